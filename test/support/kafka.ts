import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableOrSkipped } from './availability.js';
import { freePort, killProcess, spawnListening } from './processes.js';

/** The Maven project whose dependencies are Kafka's server jars (see its pom.xml). */
const SERVER_PROJECT = join(dirname(fileURLToPath(import.meta.url)), 'kafka-server');
/** Where `mvn dependency:copy-dependencies` puts them; `.ci/run` fills it, and so does the first local run. */
export const KAFKA_JARS = join(SERVER_PROJECT, 'target', 'jars');

const START_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 60_000;

/**
 * Whether a Kafka server can be started here: Java, and the server jars (fetched with Maven when
 * missing). When not, see `availableOrSkipped` (CI=true fails).
 */
export function kafkaServerAvailable(): boolean {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error || java.status !== 0) {
    return availableOrSkipped(false, 'Kafka specs', `java cannot be run (${java.error?.message ?? `exit ${java.status}`})`, 'apt-get install -y openjdk-17-jre-headless');
  }
  if (!hasJars()) {
    const mvn = spawnSync('mvn', ['-q', 'dependency:copy-dependencies', `-DoutputDirectory=${KAFKA_JARS}`], { cwd: SERVER_PROJECT, stdio: 'ignore' });
    if (mvn.error || mvn.status !== 0 || !hasJars()) {
      const why = mvn.error?.message ?? `mvn exited ${mvn.status}`;
      return availableOrSkipped(false, 'Kafka specs', `Kafka's server jars are missing from ${KAFKA_JARS} and Maven could not fetch them (${why})`, `cd ${SERVER_PROJECT} && mvn -q dependency:copy-dependencies -DoutputDirectory=target/jars`);
    }
  }
  return true;
}

function hasJars(): boolean {
  return existsSync(KAFKA_JARS) && readdirSync(KAFKA_JARS).some((name) => name.startsWith('kafka_2.13-'));
}

/**
 * A single-node Apache Kafka (KRaft: broker and controller in one JVM) of the test's own, on free
 * ports, its log in a temp folder. `stop()` kills it as a crash would and `start()` brings it back
 * on the same ports with the same log, so a test can take Kafka away under load.
 */
export class KafkaServerProcess {
  private child: ChildProcess | undefined;
  private output: () => string = () => '';

  private constructor(
    readonly port: number,
    private readonly controllerPort: number,
    private readonly folder: string,
  ) {}

  /** Formats a new KRaft log in a temp folder for a server on free ports; not started yet. */
  static async create(): Promise<KafkaServerProcess> {
    const [port, controllerPort] = [await freePort(), await freePort()];
    const folder = mkdtempSync(join(tmpdir(), 'nest-stomp-kafka-'));
    const server = new KafkaServerProcess(port, controllerPort, folder);
    server.writeProperties();
    const format = spawnSync('java', [...server.javaArgs('256m'), 'kafka.tools.StorageTool', 'format', '--standalone', '--cluster-id', clusterId(), '--config', server.properties], {
      encoding: 'utf8',
    });
    if (format.status !== 0) {
      rmSync(folder, { recursive: true, force: true });
      throw new Error(`Formatting the Kafka log failed (${format.error?.message ?? `exit ${format.status}`}):\n${format.stdout}${format.stderr}`);
    }
    return server;
  }

  /** `host:port` of the broker listener, as clients are given it. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the JVM and resolves once the broker answers a metadata request. */
  async start(): Promise<void> {
    if (this.child) throw new Error(`Kafka on port ${this.port} is already running`);
    const started = await spawnListening(`Kafka on port ${this.port}`, 'java', [...this.javaArgs('512m'), 'kafka.Kafka', this.properties], this.port, START_TIMEOUT_MS);
    this.child = started.child;
    this.output = started.output;
    // A test run that ends without its afterAll (a hook timed out) must not leave a JVM behind.
    const child = started.child;
    const orphaned = () => child.kill('SIGKILL');
    process.once('exit', orphaned);
    child.once('exit', () => process.off('exit', orphaned));
    await this.waitUntilServing();
  }

  /** Kills the JVM (SIGKILL, as a crash would) and resolves once it is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await killProcess(child);
  }

  /** Stops the server and removes its log folder. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }

  private get properties(): string {
    return join(this.folder, 'server.properties');
  }

  private javaArgs(heap: string): string[] {
    // Small and quick to start: the machines have 2 cores and run other suites beside this one.
    return [
      `-Xmx${heap}`,
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-cp',
      join(KAFKA_JARS, '*'),
    ];
  }

  private writeProperties(): void {
    const lines = [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.bootstrap.servers=127.0.0.1:${this.controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
      `log.dirs=${join(this.folder, 'log')}`,
      // One node: the internal topics cannot have more replicas than that.
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      // A group's first member gets its partitions at once instead of after 3 s.
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      'num.partitions=1',
      'num.network.threads=2',
      'num.io.threads=2',
      'log.flush.interval.messages=9223372036854775807',
    ];
    writeFileSync(this.properties, `${lines.join('\n')}\n`);
  }

  /**
   * Kafka creates the topic of its group coordinator (`__consumer_offsets`) on the first group
   * request, and groups wait until it is loaded: done here, so that no test pays for it.
   */
  private async waitForGroupCoordinator(): Promise<void> {
    const { Consumer } = await import('@platformatic/kafka');
    const consumer = new Consumer({ clientId: 'nest-stomp-test-ready', groupId: 'nest-stomp-test-ready', bootstrapBrokers: [this.address], retries: 50, retryDelay: 200 });
    try {
      await consumer.findGroupCoordinator();
    } finally {
      await consumer.close().catch(() => undefined);
    }
  }

  /**
   * Waits until the consumer group `groupId` is stable with `members` members: only then does the
   * group stop moving partitions between them (a member joining later makes the coordinator take
   * the partition back, and what was read but not yet committed is read again: at least once).
   */
  async waitForStableGroup(groupId: string, members: number): Promise<void> {
    const { Admin } = await import('@platformatic/kafka');
    const admin = new Admin({ clientId: 'nest-stomp-test-groups', bootstrapBrokers: [this.address], retries: 0, timeout: 2000 });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let seen = 'nothing';
    try {
      while (Date.now() < deadline) {
        const group = (await admin.describeGroups({ groups: [groupId] })).get(groupId);
        seen = group ? `${group.state} with ${group.members.size} members` : 'no such group';
        if (group?.state === 'STABLE' && group.members.size === members) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await admin.close().catch(() => undefined);
    }
    throw new Error(`Consumer group '${groupId}' was not stable with ${members} members within ${READY_TIMEOUT_MS} ms (last seen: ${seen})`);
  }

  /** The port opens before the broker has joined its own quorum: wait for a metadata answer naming it. */
  private async waitUntilServing(): Promise<void> {
    const { Admin } = await import('@platformatic/kafka');
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (!this.child) throw new Error(`Kafka on port ${this.port} was stopped while starting`);
      const admin = new Admin({ clientId: 'nest-stomp-test-ready', bootstrapBrokers: [this.address], retries: 0, connectTimeout: 2000, timeout: 2000 });
      try {
        const metadata = await admin.metadata({ topics: [] });
        if (metadata.brokers.size > 0) {
          await this.waitForGroupCoordinator();
          return;
        }
      } catch (error) {
        lastError = error;
      } finally {
        await admin.close().catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`Kafka on port ${this.port} did not answer a metadata request within ${READY_TIMEOUT_MS} ms (${String(lastError)}):\n${this.output()}`);
  }
}

/** A KRaft cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). */
function clusterId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
}
