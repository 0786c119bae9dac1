import { performance } from 'node:perf_hooks';
import { openMeasurementWindow } from '../harness/measurement-window.js';
import type { BenchClient } from '../load/bench-client.js';
import { openMany } from '../load/connect-many.js';
import { LatencyRecorder } from '../load/latency-recorder.js';
import { SequenceTracker, sumIntegrity } from '../load/sequence-tracker.js';
import { echoDestination, replyDestination } from '../shared/destinations.js';
import { A_TO_D_SERVERS, closeAll, sleep, waitUntil, type Scenario, type ScenarioContext, type ScenarioOutcome } from './scenario.js';

interface Pair {
  readonly sender: BenchClient;
  readonly receiver: BenchClient;
  readonly tracker: SequenceTracker;
  /** performance.now() of each send, by seq. */
  readonly sentAt: number[];
}

/** How often the send schedule is checked (Node's finest timer); sends due in between go out together. */
const TICK_MS = 1;

/**
 * (b) P pairs: each sender SENDs R msg/s to `/app/echo/{pair}`, the handler replies to
 * `/topic/reply/{pair}`, the pair's receiver measures send → receive latency (same process, same
 * clock). Sends are open-loop and spread evenly over each period, so load does not come in bursts.
 */
export const pairsScenario: Scenario = {
  id: 'b',
  title: 'P pairs, R msg/s each, through a @MessageMapping handler',
  servers: A_TO_D_SERVERS,
  async run({ config, server, connect, log }: ScenarioContext): Promise<ScenarioOutcome> {
    const { pairs: count, messagesPerSecond } = config.pairs;
    const totalRate = count * messagesPerSecond;
    const latency = new LatencyRecorder(totalRate * config.durationSeconds * 1.2);
    let measureFrom = Infinity;
    let measureUntil = Infinity;

    const pairs = await openMany(
      count,
      config.connectConcurrency,
      async (index): Promise<Pair> => {
        const receiver = await connect();
        const pair: Pair = { sender: await connect(), receiver, tracker: new SequenceTracker(), sentAt: [] };
        receiver.onMessage = (seq) => {
          pair.tracker.record(seq);
          const sentAt = pair.sentAt[seq];
          if (sentAt !== undefined && sentAt >= measureFrom && sentAt < measureUntil) latency.record(performance.now() - sentAt);
        };
        await receiver.subscribe(replyDestination(`p${index}`));
        return pair;
      },
      (opened) => closeAll(opened.flatMap((pair) => [pair.sender, pair.receiver])),
    );

    // Send number g (over all pairs) is due at start + g / totalRate seconds, from pair g mod P.
    const start = performance.now();
    let nextSend = 0;
    const schedule = setInterval(() => {
      const due = Math.floor(((performance.now() - start) / 1000) * totalRate);
      for (; nextSend <= due; nextSend++) {
        const index = nextSend % count;
        const pair = pairs[index]!;
        const seq = pair.sentAt.length;
        pair.sentAt.push(performance.now());
        pair.sender.send(echoDestination(`p${index}`), seq, `p${index}`, config.payloadBytes);
      }
    }, TICK_MS);

    log(`${count} pairs connected (${totalRate} msg/s); warming up ${config.warmupSeconds} s`);
    await sleep(config.warmupSeconds * 1000);
    measureFrom = performance.now();
    const closeWindow = await openMeasurementWindow(server);
    await sleep(config.durationSeconds * 1000);
    measureUntil = performance.now();
    const window = await closeWindow();
    clearInterval(schedule);

    const sent = () => pairs.reduce((sum, pair) => sum + pair.sentAt.length, 0);
    const received = () => pairs.reduce((sum, pair) => sum + pair.tracker.received, 0);
    if (!(await waitUntil(() => received() >= sent(), config.drainTimeoutSeconds))) {
      log(`${sent() - received()} replies still missing after ${config.drainTimeoutSeconds} s`);
    }
    const integrity = sumIntegrity(pairs.map((pair) => pair.tracker.report(pair.sentAt.length)));
    const [p50, p99, p999, max] = latency.percentiles([50, 99, 99.9, 100]);
    const failedConnections = closeAll(pairs.flatMap((pair) => [pair.sender, pair.receiver]));
    return {
      metrics: {
        p50Ms: p50!,
        p99Ms: p99!,
        p999Ms: p999!,
        maxMs: max!,
        messagesPerSecond: latency.size / window.wallSeconds,
        serverCpuPercent: (100 * window.serverCpuSeconds) / window.wallSeconds,
        generatorCpuPercent: (100 * window.generatorCpuSeconds) / window.wallSeconds,
        otherProcessesCpuPercent: window.otherProcessesCpuPercent,
        latencySamples: latency.size,
        droppedSamples: latency.dropped,
      },
      integrity,
      failedConnections,
    };
  },
};
