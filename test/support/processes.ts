import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

const PORT_POLL_MS = 20;

/** A free TCP port on 127.0.0.1 (nothing listens on it once this resolves). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Resolves once something accepts connections on `port`, polling by connecting: the only way to
 * know another process's port is open. Rejects when `starting()` turns false or after `timeoutMs`.
 */
export async function waitForPort(port: number, what: string, timeoutMs: number, starting: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (!starting()) throw new Error(`${what} was stopped while starting`);
    if (Date.now() > deadline) throw new Error(`${what} did not accept connections on ${port} within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, PORT_POLL_MS));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A server process of a test's own, and the tail of what it printed (for error messages). */
export interface ListeningProcess {
  readonly child: ChildProcess;
  output(): string;
}

/**
 * Spawns a server and resolves once it accepts connections on `port`; rejects with what it printed
 * when it exits first or does not listen within `timeoutMs` (the process is killed then).
 */
export async function spawnListening(what: string, command: string, args: readonly string[], port: number, timeoutMs: number): Promise<ListeningProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (data: Buffer) => (output = (output + data.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`Could not run ${command} for ${what}: ${error.message}`)));
    child.once('exit', (code, signal) => {
      exited = true;
      reject(new Error(`${what} exited (${signal ?? code}) before accepting connections:\n${output}`));
    });
  });
  failed.catch(() => undefined);
  const accepting = waitForPort(port, what, timeoutMs, () => !exited, () => output);
  accepting.catch(() => undefined);
  try {
    await Promise.race([accepting, failed]);
  } catch (error) {
    await killProcess(child);
    throw error;
  }
  return { child, output: () => output };
}

/** SIGKILL (as a crash would), resolved once the process is gone. */
export async function killProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
