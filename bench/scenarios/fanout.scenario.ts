import { openMeasurementWindow } from '../harness/measurement-window.js';
import type { BenchClient } from '../load/bench-client.js';
import { openMany } from '../load/connect-many.js';
import { SequenceTracker, sumIntegrity } from '../load/sequence-tracker.js';
import { CHAT_SEND, CHAT_TOPIC } from '../shared/destinations.js';
import { closeAll, sleep, waitUntil, type Scenario, type ScenarioContext, type ScenarioOutcome } from './scenario.js';

/**
 * (a) One publisher, N subscribers of the chat topic, as fast as the server delivers. The publisher
 * keeps at most `windowMessages` messages undelivered (counted over all subscribers), so the run
 * measures delivery, not how much a server can buffer.
 */
export const fanoutScenario: Scenario = {
  id: 'a',
  title: 'fan-out 1 → N subscribers, max rate',
  async run({ config, server, connect, log }: ScenarioContext): Promise<ScenarioOutcome> {
    const { subscribers: count, windowMessages } = config.fanout;
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
      while (publishing && windowHasRoom()) publisher!.send(CHAT_SEND, published++, 'publisher', config.payloadBytes);
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
        await client.subscribe(CHAT_TOPIC);
        return client;
      },
      (opened) => closeAll(opened),
    );
    publisher = await connect();

    log(`${count} subscribers connected; warming up ${config.warmupSeconds} s`);
    publishing = true;
    schedulePublish();
    await sleep(config.warmupSeconds * 1000);
    const closeWindow = await openMeasurementWindow(server);
    const deliveredBefore = delivered;
    await sleep(config.durationSeconds * 1000);
    const deliveries = delivered - deliveredBefore;
    const window = await closeWindow();
    publishing = false;
    const drained = await waitUntil(() => outstanding() <= 0, config.drainTimeoutSeconds);
    if (!drained) log(`${outstanding()} deliveries still missing after ${config.drainTimeoutSeconds} s`);

    const integrity = sumIntegrity(trackers.map((tracker) => tracker.report(published)));
    const failedConnections = closeAll([publisher, ...subscribers]);
    return {
      metrics: {
        deliveriesPerSecond: deliveries / window.wallSeconds,
        cpuSecondsPer100kDeliveries: (window.serverCpuSeconds / deliveries) * 100_000,
        serverCpuPercent: (100 * window.serverCpuSeconds) / window.wallSeconds,
        generatorCpuPercent: (100 * window.generatorCpuSeconds) / window.wallSeconds,
        otherProcessesCpuPercent: window.otherProcessesCpuPercent,
        publishedMessages: published,
        measuredDeliveries: deliveries,
      },
      integrity,
      failedConnections,
    };
  },
};
