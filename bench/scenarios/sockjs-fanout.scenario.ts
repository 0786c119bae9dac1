import { CHAT_SEND, CHAT_TOPIC } from '../shared/destinations.js';
import { measureFanout } from './fanout.scenario.js';
import type { Scenario, ScenarioContext, ScenarioOutcome } from './scenario.js';

/**
 * (h) The fan-out of (a) on one server with SockJS enabled, its clients (publisher and subscribers)
 * on each transport in turn: raw WebSocket (the baseline), SockJS's websocket transport, and
 * xhr-streaming. What the fallback costs the server per delivery; the bound: ≤ 1.5 × raw.
 */
export const sockJsFanoutScenario: Scenario = {
  id: 'h',
  title: 'fan-out 1 → N over SockJS vs raw WebSocket',
  servers: ['sockjs-app-raw-ws', 'sockjs-app-sockjs-websocket', 'sockjs-app-xhr-streaming'],
  baseline: 'sockjs-app-raw-ws',
  run(context: ScenarioContext): Promise<ScenarioOutcome> {
    const { subscribers, windowMessages } = context.config.sockJsFanout;
    return measureFanout(context, { subscribers, windowMessages, sendTo: CHAT_SEND, topic: CHAT_TOPIC });
  },
};
