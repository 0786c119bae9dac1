import { performance } from 'node:perf_hooks';
import { openMeasurementWindow } from '../harness/measurement-window.js';
import type { BenchClient } from '../load/bench-client.js';
import { LatencyRecorder } from '../load/latency-recorder.js';
import { idleDestination } from '../shared/destinations.js';
import { closeAll, requireServer, type Scenario, type ScenarioContext, type ScenarioOutcome } from './scenario.js';

/**
 * (i) A restart's reconnect wave: N clients open a WebSocket, CONNECT and SUBSCRIBE (with a receipt)
 * as fast as they can, `stormConcurrency` setups in flight at once (the generator is one process:
 * far more would only queue in it and in the listen backlog). Unlike (c), a failed setup does not
 * stop the wave: every client is tried, and the failures are counted. minimal-ws's equivalent is
 * the same handshake with its minimal CONNECTED and RECEIPT.
 */
export const connectionStormScenario: Scenario = {
  id: 'i',
  title: 'connection storm: N clients CONNECT + SUBSCRIBE at once',
  servers: ['nest-stomp', 'minimal-ws'],
  async run({ config, server: startedServer, connect, log }: ScenarioContext): Promise<ScenarioOutcome> {
    const server = requireServer(startedServer);
    const { connections: count, concurrency } = config.storm;
    const connectLatency = new LatencyRecorder(count);
    const setupLatency = new LatencyRecorder(count);
    const clients: BenchClient[] = [];
    const failures = new Map<string, number>();
    let next = 0;
    const setUpOne = async (index: number) => {
      const started = performance.now();
      let client: BenchClient | undefined;
      try {
        client = await connect();
        await client.subscribe(idleDestination(index));
        setupLatency.record(performance.now() - started);
        if (client.timings) connectLatency.record(client.timings.connectMs);
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
    const [connectP50, connectP99] = connectLatency.percentiles([50, 99]);
    const [setupP50, setupP99] = setupLatency.percentiles([50, 99]);
    const failedConnections = failedSetups + closeAll(clients);
    return {
      metrics: {
        setupsPerSecond: (count - failedSetups) / seconds,
        connectP50Ms: connectP50!,
        connectP99Ms: connectP99!,
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
