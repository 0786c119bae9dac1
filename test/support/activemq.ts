import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableOrSkipped } from './availability.js';
import { freePort, killProcess, spawnListening } from './processes.js';

/** Debian's ActiveMQ (`apt-get install activemq`); `.ci/run` installs it. */
export const ACTIVEMQ_JAR = '/usr/share/activemq/bin/activemq.jar';

const START_TIMEOUT_MS = 30_000;

/** Whether Debian's ActiveMQ is installed; when it is not, see `availableOrSkipped`. */
export function activeMqAvailable(): boolean {
  return availableOrSkipped(existsSync(ACTIVEMQ_JAR), 'ActiveMQ relay specs', `${ACTIVEMQ_JAR} is missing`, '.ci/run installs it: apt-get install -y activemq');
}

/**
 * An ActiveMQ broker of the test's own: in memory, STOMP only, on a free port (RabbitMQ holds
 * 61613), started from Debian's jar with a configuration written for it.
 */
export class ActiveMqProcess {
  private child: ChildProcess | undefined;

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
    await killProcess(child);
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
    const args = [
      '-Xmx256m',
      '-Dactivemq.home=/usr/share/activemq',
      `-Dactivemq.base=${this.base}`,
      `-Dactivemq.conf=${this.base}`,
      `-Dactivemq.data=${this.base}`,
      '-jar',
      ACTIVEMQ_JAR,
      'start',
      `xbean:file:${config}`,
    ];
    try {
      this.child = (await spawnListening('ActiveMQ', 'java', args, this.port, START_TIMEOUT_MS)).child;
    } catch (error) {
      rmSync(this.base, { recursive: true, force: true });
      throw error;
    }
  }
}
