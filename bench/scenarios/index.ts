import type { ScenarioId } from '../config.js';
import { durableBrokersScenario } from './durable-brokers.scenario.js';
import { fanoutScenario } from './fanout.scenario.js';
import { connectionStormScenario } from './connection-storm.scenario.js';
import { idleConnectionsScenario } from './idle-connections.scenario.js';
import { metricsFanoutScenario } from './metrics-fanout.scenario.js';
import { pairsScenario } from './pairs.scenario.js';
import { patternSubscriptionsScenario } from './pattern-subscriptions.scenario.js';
import { relayFanoutScenario } from './relay-fanout.scenario.js';
import { requestReplyScenario } from './request-reply.scenario.js';
import type { Scenario } from './scenario.js';
import { sockJsFanoutScenario } from './sockjs-fanout.scenario.js';

export const SCENARIOS: Readonly<Record<ScenarioId, Scenario>> = {
  a: fanoutScenario,
  b: pairsScenario,
  c: idleConnectionsScenario,
  d: requestReplyScenario,
  e: relayFanoutScenario,
  f: patternSubscriptionsScenario,
  g: durableBrokersScenario,
  h: sockJsFanoutScenario,
  i: connectionStormScenario,
  j: metricsFanoutScenario,
};
