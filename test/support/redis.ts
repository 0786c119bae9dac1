import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { Redis } from 'ioredis';

/** The Redis every machine of the project runs (CI starts one when it is missing). */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** Channels no other test run shares, so runs on one Redis never see each other's messages. */
export function uniqueChannelPrefix(name: string): string {
  return `nest-stomp-test:${name}:${randomUUID()}`;
}

/** Fails, never skips, when Redis is not there: these specs are about a real Redis. */
export async function requireRedis(url = SHARED_REDIS_URL): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  let cause: Error | undefined;
  client.on('error', (error: Error) => (cause ??= error));
  try {
    await client.connect();
    await client.ping();
    await client.quit();
  } catch (error) {
    client.disconnect();
    throw new Error(`Redis is not reachable at ${url} (${(cause ?? (error as Error)).message}): the Redis specs need a real Redis server there`);
  }
}

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

const START_TIMEOUT_MS = 5000;
const PORT_POLL_MS = 10;

/**
 * A `redis-server` of the test's own, on its own port, that the test can stop and start again on
 * the same port: an outage the shared Redis must never have.
 */
export class RedisServerProcess {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(readonly port: number) {}

  /** On a free port, not started yet. */
  static async onFreePort(): Promise<RedisServerProcess> {
    return new RedisServerProcess(await freePort());
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Spawns the server and resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.child) throw new Error(`redis-server on port ${this.port} is already running`);
    this.output = '';
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (data: Buffer) => (this.output = (this.output + data.toString()).slice(-2000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`Could not run redis-server (is it on PATH?): ${error.message}`)));
      child.once('exit', (code, signal) => reject(new Error(`redis-server on port ${this.port} exited (${signal ?? code}) before accepting connections:\n${this.output}`)));
    });
    failed.catch(() => undefined);
    const accepting = this.waitForPort();
    accepting.catch(() => undefined);
    try {
      await Promise.race([accepting, failed]);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Kills the server (as a crash would) and resolves once it is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Polls by connecting, the only way to know another process's port is open. */
  private async waitForPort(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await this.accepts())) {
      if (!this.child) throw new Error(`redis-server on port ${this.port} was stopped while starting`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not accept connections within ${START_TIMEOUT_MS} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, PORT_POLL_MS));
    }
  }

  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }
}
