import { rabbitMqPid } from '../harness/broker-process.js';
import { StompBenchClient } from '../load/stomp-client.js';
import { RELAY_TOPIC } from '../shared/destinations.js';
import { probeStomp } from '../shared/rabbitmq.js';
import type { BenchConfig } from '../config.js';
import { measureFanout } from './fanout.scenario.js';
import type { Scenario, ScenarioContext, ScenarioOutcome, ScenarioPreparation } from './scenario.js';

/**
 * (e) The fan-out of (a) through RabbitMQ: one publisher SENDs straight to a RabbitMQ topic, N
 * subscribers receive it, the same flow-control window and integrity checks as (a). Once through
 * nest-stomp's STOMP broker relay (each client session has its own STOMP connection to RabbitMQ,
 * and their subscriptions to the topic share one broker subscription: shareTopicSubscriptions),
 * once with the same clients on RabbitMQ Web-STOMP directly. RabbitMQ is not started by the bench
 * and runs unpinned; its CPU is read from /proc and reported beside the relay's.
 */
export const relayFanoutScenario: Scenario = {
  id: 'e',
  title: 'fan-out 1 → N through RabbitMQ, max rate',
  servers: ['nest-stomp-relay', 'rabbitmq-web-stomp'],
  prepare: prepareRabbitMq,
  run(context: ScenarioContext): Promise<ScenarioOutcome> {
    const { subscribers, windowMessages } = context.config.relayFanout;
    // Looked up per run: another test suite may have restarted the RabbitMQ node meanwhile.
    const brokerPid = rabbitMqPid();
    if (brokerPid === undefined) context.log('no beam.smp process found: RabbitMQ CPU not measured');
    return measureFanout(context, { subscribers, windowMessages, sendTo: RELAY_TOPIC, topic: RELAY_TOPIC, brokerPid });
  },
};

/** Both of RabbitMQ's doors must answer, with the bench's login; otherwise (e) is skipped and says why. */
async function prepareRabbitMq(config: BenchConfig): Promise<ScenarioPreparation> {
  const { rabbitMq } = config;
  let server: string;
  try {
    server = await probeStomp(rabbitMq);
    const client = await StompBenchClient.connect(rabbitMq.webStompUrl, { host: '/', login: rabbitMq.login, passcode: rabbitMq.passcode });
    client.close();
  } catch (error) {
    return {
      skip: `RabbitMQ is not reachable or refused the bench's login (${(error as Error).message}); (e) needs its STOMP plugin at ${rabbitMq.stompHost}:${rabbitMq.stompPort} and Web-STOMP at ${rabbitMq.webStompUrl} (BENCH_RABBITMQ_* to point elsewhere)`,
      notes: [],
    };
  }
  const pid = rabbitMqPid();
  return {
    notes: [
      `(e) ${server} at ${rabbitMq.stompHost}:${rabbitMq.stompPort} (relay) and ${rabbitMq.webStompUrl} (direct), ` +
        `${pid === undefined ? 'its process not found (its CPU is not measured)' : `beam.smp pid ${pid}`}; ` +
        'RabbitMQ is not started by the bench and runs unpinned, on both CPUs, beside the relay server and the generator',
    ],
  };
}
