import { performance } from 'node:perf_hooks';
import { openMeasurementWindow } from '../harness/measurement-window.js';
import type { BenchClient } from '../load/bench-client.js';
import { LatencyRecorder } from '../load/latency-recorder.js';
import { idleDestination } from '../shared/destinations.js';
import { closeAll, requireServer, type Scenario, type ScenarioContext, type ScenarioOutcome } from './scenario.js';

/**
 * (i) A restart's reconnect wave: N clients open a WebSocket, CONNECT and SUBSCRIBE (with a receipt)
 * as fast as they can, `storm.concurrency` setups in flight at once (the generator is one process:
 * far more would only queue in it and in the listen backlog). Unlike (c), a failed setup does not
 * stop the wave: every client is tried, and the failures are counted. minimal-ws's equivalent is
 * the same handshake with its minimal CONNECTED and RECEIPT. Each leg is timed: WebSocket open
 * (upgrade request → open), CONNECT → CONNECTED, SUBSCRIBE → RECEIPT, and the whole setup.
 */
export const connectionStormScenario: Scenario = {
  id: 'i',
  title: 'connection storm: N clients CONNECT + SUBSCRIBE at once',
  servers: ['nest-stomp', 'minimal-ws'],
  async run({ config, server: startedServer, connect, log }: ScenarioContext): Promise<ScenarioOutcome> {
    const server = requireServer(startedServer);
    const { connections: count, concurrency } = config.storm;
    const openLatency = new LatencyRecorder(count);
    const connectLatency = new LatencyRecorder(count);
    const subscribeLatency = new LatencyRecorder(count);
    const setupLatency = new LatencyRecorder(count);
    const clients: BenchClient[] = [];
    const failures = new Map<string, number>();
    let next = 0;
    const setUpOne = async (index: number) => {
      const started = performance.now();
      let client: BenchClient | undefined;
      try {
        client = await connect();
        const connected = performance.now();
        await client.subscribe(idleDestination(index));
        const subscribed = performance.now();
        setupLatency.record(subscribed - started);
        subscribeLatency.record(subscribed - connected);
        if (client.timings) {
          openLatency.record(client.timings.openMs);
          connectLatency.record(client.timings.connectMs);
        }
        clients.push(client);
      } catch (error) {
        client?.close();
        const reason = (error as Error).message.replace(/\d+/g, 'N');
        failures.set(reason, (failures.get(reason) ?? 0) + 1);
      }
    };
    const worker = async () => {
      while (next < count) await setUpOne(next++);
    };
    const closeWindow = await openMeasurementWindow(server);
    const started = performance.now();
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    const seconds = (performance.now() - started) / 1000;
    const window = await closeWindow();
    const failedSetups = [...failures.values()].reduce((sum, n) => sum + n, 0);
    for (const [reason, n] of failures) log(`${n} setups failed: ${reason}`);
    log(`${count - failedSetups} of ${count} clients connected and subscribed in ${seconds.toFixed(2)} s`);
    const [openP50, openP99] = openLatency.percentiles([50, 99]);
    const [connectP50, connectP99] = connectLatency.percentiles([50, 99]);
    const [subscribeP50, subscribeP99] = subscribeLatency.percentiles([50, 99]);
    const [setupP50, setupP99] = setupLatency.percentiles([50, 99]);
    const failedConnections = failedSetups + closeAll(clients);
    return {
      metrics: {
        setupsPerSecond: (count - failedSetups) / seconds,
        openP50Ms: openP50!,
        openP99Ms: openP99!,
        connectP50Ms: connectP50!,
        connectP99Ms: connectP99!,
        subscribeP50Ms: subscribeP50!,
        subscribeP99Ms: subscribeP99!,
        setupP50Ms: setupP50!,
        setupP99Ms: setupP99!,
        serverCpuMsPerSetup: (window.serverCpuSeconds * 1000) / count,
        serverCpuPercent: (100 * window.serverCpuSeconds) / window.wallSeconds,
        generatorCpuPercent: (100 * window.generatorCpuSeconds) / window.wallSeconds,
        otherProcessesCpuPercent: window.otherProcessesCpuPercent,
      },
      failedConnections,
    };
  },
};
