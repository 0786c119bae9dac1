import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { availableOrSkipped } from './availability.js';
import { freePort, killProcess, spawnListening } from './processes.js';

/** The Redis every machine of the project runs (CI starts one when it is missing). */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** Channels no other test run shares, so runs on one Redis never see each other's messages. */
export function uniqueChannelPrefix(name: string): string {
  return `nest-stomp-test:${name}:${randomUUID()}`;
}

/** Whether the shared Redis answers a PING; when it does not, see `availableOrSkipped`. */
export async function redisAvailable(url = SHARED_REDIS_URL): Promise<boolean> {
  const reason = await pingFails(new URL(url));
  return availableOrSkipped(reason === undefined, 'Redis specs', `Redis is not reachable at ${url} (${reason})`, '.ci/run starts it: redis-server --port 6379');
}

/**
 * Sends PING over a plain socket: why Redis did not answer PONG, or undefined when it did. (An
 * ioredis client that fails to connect keeps its connect timer, and jest would wait for it.)
 */
function pingFails({ hostname, port }: URL): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    let reply = '';
    const done = (reason?: string) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(2000, () => done('no answer within 2 s'));
    socket.once('error', (error) => done(error.message));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data: Buffer) => {
      reply += data.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') ? undefined : `PING answered ${JSON.stringify(reply.trim())}`);
    });
  });
}

/** Whether `redis-server` can be run, for specs that start Redis servers of their own; when it cannot, see `availableOrSkipped`. */
export function redisServerInstalled(): boolean {
  const { error } = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return availableOrSkipped(error === undefined, 'Redis outage specs', `redis-server cannot be run (${error?.message})`, 'apt-get install -y redis-server');
}

const START_TIMEOUT_MS = 5000;

/**
 * A `redis-server` of the test's own, on its own port, that the test can stop and start again on
 * the same port: an outage the shared Redis must never have.
 */
export class RedisServerProcess {
  private child: ChildProcess | undefined;

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
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    this.child = (await spawnListening(`redis-server on port ${this.port}`, 'redis-server', args, this.port, START_TIMEOUT_MS)).child;
  }

  /** Kills the server (as a crash would) and resolves once it is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await killProcess(child);
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }
}
