import { openMeasurementWindow } from '../harness/measurement-window.js';
import type { BenchClient } from '../load/bench-client.js';
import { openMany } from '../load/connect-many.js';
import { SequenceTracker, sumIntegrity } from '../load/sequence-tracker.js';
import { CHAT_SEND, CHAT_TOPIC } from '../shared/destinations.js';
import { A_TO_D_SERVERS, closeAll, sleep, waitUntil, type Metrics, type Scenario, type ScenarioContext, type ScenarioOutcome } from './scenario.js';

/**
 * (a) One publisher, N subscribers of the chat topic, as fast as the server delivers. The publisher
 * SENDs to the chat handler (`/app/chat.send`), whose `@SendTo` publishes on the topic.
 */
export const fanoutScenario: Scenario = {
  id: 'a',
  title: 'fan-out 1 → N subscribers, max rate',
  servers: A_TO_D_SERVERS,
  run(context: ScenarioContext): Promise<ScenarioOutcome> {
    const { subscribers, windowMessages } = context.config.fanout;
    return measureFanout(context, { subscribers, windowMessages, sendTo: CHAT_SEND, topic: CHAT_TOPIC });
  },
};

export interface FanoutShape {
  readonly subscribers: number;
  readonly windowMessages: number;
  /** Where the publisher SENDs. */
  readonly sendTo: string;
  /** What the subscribers subscribe to. */
  readonly topic: string;
  /** An external broker whose CPU is measured beside the server's (RabbitMQ in (e)). */
  readonly brokerPid?: number;
}

/**
 * One publisher, N subscribers, as fast as the path delivers. The publisher keeps at most
 * `windowMessages` messages undelivered (counted over all subscribers), so the run measures
 * delivery, not how much a server can buffer. Every subscriber checks the sequence it receives.
 */
export async function measureFanout({ config, server, connect, log }: ScenarioContext, shape: FanoutShape): Promise<ScenarioOutcome> {
  const { subscribers: count, windowMessages, sendTo, topic, brokerPid } = shape;
  let delivered = 0;
  let published = 0;
  let publishing = false;
  let publishScheduled = false;
  let publisher: BenchClient | undefined;
  const outstanding = () => published * count - delivered;
  const windowHasRoom = () => outstanding() + count <= windowMessages * count;
  // Publishing from a setImmediate batches the sends of one event-loop turn and keeps the
  // per-delivery callback down to one comparison.
  const publishWhileWindowHasRoom = () => {
    publishScheduled = false;
    while (publishing && windowHasRoom()) publisher!.send(sendTo, published++, 'publisher', config.payloadBytes);
  };
  const schedulePublish = () => {
    if (publishing && !publishScheduled) {
      publishScheduled = true;
      setImmediate(publishWhileWindowHasRoom);
    }
  };

  const trackers: SequenceTracker[] = [];
  const subscribers = await openMany(
    count,
    config.connectConcurrency,
    async () => {
      const client = await connect();
      const tracker = new SequenceTracker();
      trackers.push(tracker);
      client.onMessage = (seq) => {
        tracker.record(seq);
        delivered++;
        if (windowHasRoom()) schedulePublish();
      };
      try {
        await client.subscribe(topic);
      } catch (error) {
        client.close();
        throw error;
      }
      return client;
    },
    (opened) => closeAll(opened),
  );
  try {
    publisher = await connect();
  } catch (error) {
    closeAll(subscribers);
    throw error;
  }

  log(`${count} subscribers connected; warming up ${config.warmupSeconds} s`);
  publishing = true;
  schedulePublish();
  await sleep(config.warmupSeconds * 1000);
  const closeWindow = await openMeasurementWindow(server, brokerPid);
  const deliveredBefore = delivered;
  await sleep(config.durationSeconds * 1000);
  const deliveries = delivered - deliveredBefore;
  const window = await closeWindow();
  publishing = false;
  const drained = await waitUntil(() => outstanding() <= 0, config.drainTimeoutSeconds);
  if (!drained) log(`${outstanding()} deliveries still missing after ${config.drainTimeoutSeconds} s`);

  const integrity = sumIntegrity(trackers.map((tracker) => tracker.report(published)));
  const failedConnections = closeAll([publisher, ...subscribers]);
  const perSecond = (cpuSeconds: number) => (100 * cpuSeconds) / window.wallSeconds;
  const per100k = (cpuSeconds: number) => (cpuSeconds / deliveries) * 100_000;
  const metrics: Metrics = { deliveriesPerSecond: deliveries / window.wallSeconds };
  if (server) {
    metrics.cpuSecondsPer100kDeliveries = per100k(window.serverCpuSeconds);
    metrics.serverCpuPercent = perSecond(window.serverCpuSeconds);
  }
  if (brokerPid !== undefined) {
    metrics.brokerCpuSecondsPer100kDeliveries = per100k(window.brokerCpuSeconds);
    metrics.brokerCpuPercent = perSecond(window.brokerCpuSeconds);
  }
  Object.assign(metrics, {
    generatorCpuPercent: perSecond(window.generatorCpuSeconds),
    otherProcessesCpuPercent: window.otherProcessesCpuPercent,
    publishedMessages: published,
    measuredDeliveries: deliveries,
  });
  return { metrics, integrity, failedConnections };
}
