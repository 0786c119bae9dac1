import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis.js';

/** Debian's ActiveMQ (`apt-get install activemq`); `.ci/run` installs it. */
export const ACTIVEMQ_JAR = '/usr/share/activemq/bin/activemq.jar';

const START_TIMEOUT_MS = 30_000;
const PORT_POLL_MS = 50;

/** In CI its absence fails the suite; elsewhere the ActiveMQ specs are skipped with a notice. */
export function activeMqAvailable(): boolean {
  if (existsSync(ACTIVEMQ_JAR)) return true;
  if (process.env.CI === 'true') throw new Error(`${ACTIVEMQ_JAR} is missing: .ci/run installs it with 'apt-get install -y activemq'`);
  console.warn(`ActiveMQ relay tests skipped: ${ACTIVEMQ_JAR} is missing (apt-get install activemq)`);
  return false;
}

/**
 * An ActiveMQ broker of the test's own: in memory, STOMP only, on a free port (RabbitMQ holds
 * 61613), started from Debian's jar with a configuration written for it.
 */
export class ActiveMqProcess {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly base: string,
  ) {}

  static async start(): Promise<ActiveMqProcess> {
    const base = mkdtempSync(join(tmpdir(), 'nest-stomp-activemq-'));
    const broker = new ActiveMqProcess(await freePort(), base);
    await broker.run();
    return broker;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.base, { recursive: true, force: true });
  }

  private async run(): Promise<void> {
    const config = join(this.base, 'activemq.xml');
    writeFileSync(
      config,
      `<beans xmlns="http://www.springframework.org/schema/beans" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-2.0.xsd
  http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" useJmx="false" persistent="false" brokerName="nest-stomp-test">
    <transportConnectors>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:${this.port}"/>
    </transportConnectors>
  </broker>
</beans>
`,
    );
    const child = spawn(
      'java',
      [
        '-Xmx256m',
        `-Dactivemq.home=/usr/share/activemq`,
        `-Dactivemq.base=${this.base}`,
        `-Dactivemq.conf=${this.base}`,
        `-Dactivemq.data=${this.base}`,
        '-jar',
        ACTIVEMQ_JAR,
        'start',
        `xbean:file:${config}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    const keep = (data: Buffer) => (this.output = (this.output + data.toString()).slice(-4000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`Could not run java for ActiveMQ: ${error.message}`)));
      child.once('exit', (code, signal) => reject(new Error(`ActiveMQ exited (${signal ?? code}) before accepting connections:\n${this.output}`)));
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

  /** Polls by connecting, the only way to know another process's port is open. */
  private async waitForPort(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await this.accepts())) {
      if (!this.child) throw new Error('ActiveMQ was stopped while starting');
      if (Date.now() > deadline) throw new Error(`ActiveMQ did not accept connections on ${this.port} within ${START_TIMEOUT_MS} ms:\n${this.output}`);
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
