import { performance } from 'node:perf_hooks';
import type { FromServer, ToServer } from '../shared/ipc-messages.js';

/**
 * The server side of the harness: says `ready` with the port, answers stats requests (after a full
 * GC when asked, so that memory readings compare live data, not garbage), and exits on `stop` so
 * that `--cpu-prof` gets to write its profile.
 */
export function serveBenchIpc(port: number): void {
  const send = (message: FromServer) => process.send?.(message);
  const collectGarbage = (globalThis as { gc?: () => void }).gc;
  process.on('message', (message: ToServer) => {
    if (message.type === 'stop') process.exit(0);
    if (message.type !== 'stats') return;
    if (message.collectGarbage) collectGarbage?.();
    const { user, system } = process.cpuUsage();
    const { rss, heapUsed } = process.memoryUsage();
    send({
      type: 'stats',
      requestId: message.requestId,
      cpuMicros: user + system,
      atEpochMs: performance.timeOrigin + performance.now(),
      rssBytes: rss,
      heapUsedBytes: heapUsed,
    });
  });
  // An orchestrator that died must not leave servers behind.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port });
}
