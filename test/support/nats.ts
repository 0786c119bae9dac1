import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as connectSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { availableOrSkipped } from './availability.js';
import { freePort, killProcess, spawnListening } from './processes.js';
import { unique } from './unique.js';

/** The NATS server with JetStream every machine of the project runs (.ci/run starts it when missing). */
export const SHARED_NATS_URL = 'nats://127.0.0.1:4222';
export const NATS_SERVER = '/usr/sbin/nats-server';

/** Subject and stream prefixes no other test shares: runs on one NATS never see each other's messages or streams. */
export function uniqueNatsPrefixes(name: string): { subjectPrefix: string; streamPrefix: string } {
  const id = unique(name).replace(/[^A-Za-z0-9]/g, '_');
  return { subjectPrefix: `test.${id}`, streamPrefix: `TEST_${id}` };
}

/** Whether the shared NATS answers with its INFO line; when it does not, see `availableOrSkipped`. */
export async function natsAvailable(url = SHARED_NATS_URL): Promise<boolean> {
  const reason = await infoFails(new URL(url));
  return availableOrSkipped(
    reason === undefined,
    'NATS JetStream specs',
    `NATS is not reachable at ${url} (${reason})`,
    '.ci/run starts it: nats-server -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server',
  );
}

/** Whether `nats-server` can be run, for specs that start NATS servers of their own. */
export function natsServerInstalled(): boolean {
  const { error, status } = spawnSync(NATS_SERVER, ['--version'], { stdio: 'ignore' });
  const missing = error !== undefined || status !== 0;
  return availableOrSkipped(!missing, 'NATS outage specs', `${NATS_SERVER} cannot be run (${error?.message ?? `exit ${status}`})`, 'apt-get install -y nats-server');
}

/** Connects over a plain socket and reads the server's greeting (a client library would keep retrying). */
function infoFails({ hostname, port }: URL): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connectSocket({ host: hostname, port: Number(port || 4222) });
    let greeting = '';
    const done = (reason?: string) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(2000, () => done('no INFO within 2 s'));
    socket.once('error', (error) => done(error.message));
    socket.on('data', (data: Buffer) => {
      greeting += data.toString('latin1');
      if (!greeting.includes('\r\n')) return;
      if (!greeting.startsWith('INFO ')) done(`it greeted with ${JSON.stringify(greeting.trim())}`);
      else if (!greeting.includes('"jetstream":true')) done('JetStream is not enabled (start it with -js)');
      else done();
    });
  });
}

/** Deletes every stream whose name starts with `streamPrefix` (what a test's brokers created). */
export async function deleteStreams(streamPrefix: string, url = SHARED_NATS_URL): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) if (name.startsWith(streamPrefix)) await jsm.streams.delete(name);
  } finally {
    await nc.close();
  }
}

/** The names of the streams whose names start with `streamPrefix`, sorted. */
export async function streamNames(streamPrefix: string, url = SHARED_NATS_URL): Promise<string[]> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(streamPrefix)) names.push(name);
    return names.sort();
  } finally {
    await nc.close();
  }
}

/** A stream's configuration as the NATS server holds it. */
export async function streamConfig(name: string, url = SHARED_NATS_URL): Promise<Record<string, unknown>> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    return (await jsm.streams.info(name)).config as unknown as Record<string, unknown>;
  } finally {
    await nc.close();
  }
}

const START_TIMEOUT_MS = 10_000;

/**
 * A `nats-server -js` of the test's own, on its own port with its own store directory, that the
 * test can stop and start again (same port, same store): an outage the shared NATS must never have.
 */
export class NatsServerProcess {
  private child: ChildProcess | undefined;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'nest-stomp-nats-'));

  private constructor(readonly port: number) {}

  static async onFreePort(): Promise<NatsServerProcess> {
    return new NatsServerProcess(await freePort());
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Spawns the server and resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.child) throw new Error(`nats-server on port ${this.port} is already running`);
    const args = ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir];
    this.child = (await spawnListening(`nats-server on port ${this.port}`, NATS_SERVER, args, this.port, START_TIMEOUT_MS)).child;
  }

  /** Kills the server (as a crash would: what JetStream acknowledged is on disk) and resolves once it is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await killProcess(child);
  }

  /** Stops the server and removes its store. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
