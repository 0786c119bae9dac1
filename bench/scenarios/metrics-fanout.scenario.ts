import { measureFanout } from './fanout.scenario.js';
import { CHAT_SEND, CHAT_TOPIC } from '../shared/destinations.js';
import type { Scenario, ScenarioContext, ScenarioOutcome } from './scenario.js';

/**
 * (j) The fan-out of (a), once with metrics off and once with them on (prom-client registry, scraped
 * every second), in the same run and rounds: what counting costs where it costs most, one increment
 * per delivery. The bound: within 3 % of the CPU per delivery without metrics.
 */
export const metricsFanoutScenario: Scenario = {
  id: 'j',
  title: 'fan-out 1 → N, metrics off vs on',
  servers: ['nest-stomp', 'nest-stomp-metrics'],
  baseline: 'nest-stomp',
  run(context: ScenarioContext): Promise<ScenarioOutcome> {
    const { subscribers, windowMessages } = context.config.fanout;
    return measureFanout(context, { subscribers, windowMessages, sendTo: CHAT_SEND, topic: CHAT_TOPIC });
  },
};
