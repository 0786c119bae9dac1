import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin } from '@platformatic/kafka';

/** test/support/kafka-server: the Maven project whose dependencies are Kafka's server jars (.ci/run fetches them). */
const SERVER_PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/support/kafka-server');
const JARS = join(SERVER_PROJECT, 'target', 'jars');
const READY_TIMEOUT_MS = 90_000;

/**
 * A single-node Apache Kafka (KRaft) of the bench's own on free ports, its log in a temp folder: the
 * way test/support/kafka.ts starts one for the tests (that file depends on jest's helpers, the
 * bench cannot import it). Not pinned: the JVM runs on every CPU, as Redis and NATS do.
 */
export class KafkaProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly folder: string,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Why a Kafka cannot be started here, or undefined when it can (fetching the jars with Maven when missing). */
  static unavailable(): string | undefined {
    const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
    if (java.error || java.status !== 0) return `java cannot be run (${java.error?.message ?? `exit ${java.status}`})`;
    if (!hasJars()) {
      const mvn = spawnSync('mvn', ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${JARS}`], { cwd: SERVER_PROJECT, stdio: 'ignore' });
      if (mvn.error || mvn.status !== 0 || !hasJars()) return `Kafka's server jars are missing from ${JARS} and Maven could not fetch them`;
    }
    return undefined;
  }

  static async start(): Promise<KafkaProcess> {
    const [port, controllerPort] = [await freePort(), await freePort()];
    const folder = mkdtempSync(join(tmpdir(), 'nest-stomp-bench-kafka-'));
    const properties = join(folder, 'server.properties');
    writeFileSync(properties, serverProperties(port, controllerPort, folder));
    const format = spawnSync('java', [...javaArgs('256m'), 'kafka.tools.StorageTool', 'format', '--standalone', '--cluster-id', clusterId(), '--config', properties], { encoding: 'utf8' });
    if (format.status !== 0) {
      rmSync(folder, { recursive: true, force: true });
      throw new Error(`Formatting the Kafka log failed: ${format.stdout}${format.stderr}`);
    }
    // The generator is pinned to its CPU and children inherit the mask: give the JVM every CPU back.
    const all = `0-${availableParallelism() - 1}`;
    const command = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0 ? ['taskset', '-c', all, 'java'] : ['java'];
    const child = spawn(command[0]!, [...command.slice(1), ...javaArgs('512m'), 'kafka.Kafka', properties], { stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    child.stderr!.on('data', (data: Buffer) => (output = (output + data.toString()).slice(-4000)));
    const orphaned = () => child.kill('SIGKILL');
    process.once('exit', orphaned);
    child.once('exit', () => process.off('exit', orphaned));
    const kafka = new KafkaProcess(child, port, folder);
    try {
      await kafka.waitUntilServing(() => output);
    } catch (error) {
      await kafka.destroy();
      throw error;
    }
    return kafka;
  }

  async destroy(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((done) => this.child.once('exit', done));
      this.child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.folder, { recursive: true, force: true });
  }

  /** The port opens before the broker has joined its own quorum: wait for a metadata answer naming it. */
  private async waitUntilServing(output: () => string): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`Kafka exited with ${this.child.exitCode}: ${output()}`);
      const admin = new Admin({ clientId: 'nest-stomp-bench-ready', bootstrapBrokers: [this.address], retries: 0, connectTimeout: 2000, timeout: 2000 });
      try {
        if ((await admin.metadata({ topics: [] })).brokers.size > 0) return;
      } catch {
        // Not serving yet.
      } finally {
        await admin.close().catch(() => undefined);
      }
      await new Promise((done) => setTimeout(done, 300));
    }
    throw new Error(`Kafka on port ${this.port} did not answer within ${READY_TIMEOUT_MS} ms: ${output()}`);
  }
}

function hasJars(): boolean {
  return existsSync(JARS) && readdirSync(JARS).some((name) => name.startsWith('kafka_2.13-'));
}

function javaArgs(heap: string): string[] {
  return [`-Xmx${heap}`, '-XX:+UseSerialGC', '-Djava.awt.headless=true', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', join(JARS, '*')];
}

function serverProperties(port: number, controllerPort: number, folder: string): string {
  return `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${join(folder, 'log')}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'num.partitions=1',
    'num.network.threads=2',
    'num.io.threads=2',
  ].join('\n')}\n`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function clusterId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
}
