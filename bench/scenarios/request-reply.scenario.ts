import { performance } from 'node:perf_hooks';
import { openMeasurementWindow } from '../harness/measurement-window.js';
import type { BenchClient } from '../load/bench-client.js';
import { openMany } from '../load/connect-many.js';
import { LatencyRecorder } from '../load/latency-recorder.js';
import { SequenceTracker, sumIntegrity } from '../load/sequence-tracker.js';
import { echoDestination, replyDestination } from '../shared/destinations.js';
import { A_TO_D_SERVERS, closeAll, sleep, type Scenario, type ScenarioContext, type ScenarioOutcome } from './scenario.js';

/** A request without its reply for this long is given up (it then shows as lost). */
const REPLY_TIMEOUT_MS = 5000;

/**
 * (d) C clients, each with one request outstanding at a time: SEND to `/app/echo/{client}`, wait for
 * the handler's reply on `/topic/reply/{client}`, pause until its next slot (R requests/s). Light
 * load, so the round trip shows the per-message path, not queueing.
 */
export const requestReplyScenario: Scenario = {
  id: 'd',
  title: 'request/reply through a handler, light load',
  servers: A_TO_D_SERVERS,
  async run({ config, server, connect, log }: ScenarioContext): Promise<ScenarioOutcome> {
    const { clients: count, requestsPerSecond } = config.requestReply;
    const intervalMs = 1000 / requestsPerSecond;
    const latency = new LatencyRecorder(requestsPerSecond * count * config.durationSeconds * 1.2);
    const clients = await openMany(
      count,
      config.connectConcurrency,
      async (index) => {
        const client = await connect();
        await client.subscribe(replyDestination(`rr${index}`));
        return client;
      },
      (opened) => closeAll(opened),
    );
    const trackers = clients.map(() => new SequenceTracker());
    const sentCounts = clients.map(() => 0);

    const startedAt = performance.now();
    const measureFrom = startedAt + config.warmupSeconds * 1000;
    const stopAt = measureFrom + config.durationSeconds * 1000;
    log(`${count} clients at ${requestsPerSecond} requests/s each; warming up ${config.warmupSeconds} s`);

    const runClient = async (client: BenchClient, index: number) => {
      const tracker = trackers[index]!;
      let awaiting: { seq: number; resolve: () => void } | undefined;
      client.onMessage = (seq) => {
        tracker.record(seq);
        if (seq === awaiting?.seq) awaiting.resolve();
      };
      // Clients start spread over one interval, not all at once.
      let nextAt = startedAt + (intervalMs * index) / count;
      for (let seq = 0; performance.now() < stopAt; seq++) {
        await sleep(Math.max(0, nextAt - performance.now()));
        nextAt += intervalMs;
        const sentAt = performance.now();
        const replied = new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), REPLY_TIMEOUT_MS);
          awaiting = { seq, resolve: () => (clearTimeout(timer), resolve(true)) };
        });
        client.send(echoDestination(`rr${index}`), seq, `rr${index}`, config.payloadBytes);
        sentCounts[index] = seq + 1;
        const ok = await replied;
        if (ok && sentAt >= measureFrom) latency.record(performance.now() - sentAt);
        if (nextAt < performance.now()) nextAt = performance.now();
      }
    };
    const window = sleep(config.warmupSeconds * 1000).then(() => openMeasurementWindow(server));
    await Promise.all(clients.map(runClient));
    const { serverCpuSeconds, wallSeconds, otherProcessesCpuPercent } = await (await window)();

    const integrity = sumIntegrity(trackers.map((tracker, index) => tracker.report(sentCounts[index]!)));
    const [p50, p99, max] = latency.percentiles([50, 99, 100]);
    const failedConnections = closeAll(clients);
    return {
      metrics: {
        p50Ms: p50!,
        p99Ms: p99!,
        maxMs: max!,
        requests: latency.size,
        serverCpuPercent: (100 * serverCpuSeconds) / wallSeconds,
        otherProcessesCpuPercent,
      },
      integrity,
      failedConnections,
    };
  },
};
