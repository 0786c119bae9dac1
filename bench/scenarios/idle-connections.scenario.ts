import { performance } from 'node:perf_hooks';
import { openMeasurementWindow } from '../harness/measurement-window.js';
import { openMany } from '../load/connect-many.js';
import { idleDestination } from '../shared/destinations.js';
import { A_TO_D_SERVERS, closeAll, requireServer, sleep, type Scenario, type ScenarioContext, type ScenarioOutcome } from './scenario.js';

/** Time given to the server after the last subscription, before memory is read. */
const SETTLE_MS = 1000;

/**
 * (c) N connections, each connected and subscribed to a destination of its own, then idle. Setup
 * rate is connections completed (handshake to subscription confirmed) per second; memory is the
 * server's RSS growth over the N connections, both readings taken after a full GC.
 */
export const idleConnectionsScenario: Scenario = {
  id: 'c',
  title: 'N idle connections, each subscribed',
  servers: A_TO_D_SERVERS,
  async run({ config, server: startedServer, connect, log }: ScenarioContext): Promise<ScenarioOutcome> {
    const server = requireServer(startedServer);
    const count = config.idle.connections;
    const before = await server.stats(true);
    const closeWindow = await openMeasurementWindow(server);
    const started = performance.now();
    const clients = await openMany(
      count,
      config.connectConcurrency,
      async (index) => {
        const client = await connect();
        await client.subscribe(idleDestination(index));
        return client;
      },
      (opened) => closeAll(opened),
    );
    const setupSeconds = (performance.now() - started) / 1000;
    const setup = await closeWindow();
    log(`${count} connections subscribed in ${setupSeconds.toFixed(1)} s`);
    await sleep(SETTLE_MS);
    const after = await server.stats(true);
    const failedConnections = closeAll(clients);
    return {
      metrics: {
        rssKiBPerConnection: (after.rssBytes - before.rssBytes) / count / 1024,
        heapKiBPerConnection: (after.heapUsedBytes - before.heapUsedBytes) / count / 1024,
        connectionsPerSecond: count / setupSeconds,
        serverCpuMsPerConnection: (setup.serverCpuSeconds * 1000) / count,
        serverRssMiB: after.rssBytes / 1024 / 1024,
        otherProcessesCpuPercent: setup.otherProcessesCpuPercent,
      },
      failedConnections,
    };
  },
};
