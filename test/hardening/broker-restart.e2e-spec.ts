import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { jest } from '@jest/globals';
import { Logger, Module } from '@nestjs/common';
import { firstValueFrom, filter, type Observable } from 'rxjs';
import { STOMP_BROKER, StompModule } from 'nest-stomp';
import { FrameDecoder } from '../../libs/stomp/src/protocol/frame-decoder.js';
import type { StompFrame } from '../../libs/stomp/src/protocol/stomp-frame.js';
import { startApp, type RunningApp } from '../support/apps.js';
import { RABBITMQ_STOMP, rabbitMqStompAvailable, startRabbitMq, stopRabbitMq } from '../support/rabbitmq.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { within } from '../support/timers.js';
import { Wakeups } from '../support/wakeups.js';

// Fails (never skips) in CI when RabbitMQ is missing: rabbitMqStompAvailable throws there.
const describeWithRabbitMq = (await rabbitMqStompAvailable()) ? describe : describe.skip;

jest.setTimeout(90_000);

const run = promisify(execFile);
/** The app's own RabbitMQ user: its connections can be told from those of other test files. */
const USER = 'nest-stomp-hardening';
const PASSWORD = randomUUID();

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      broker: {
        kind: 'relay',
        clientLogin: USER,
        clientPasscode: PASSWORD,
        systemLogin: USER,
        systemPasscode: PASSWORD,
        reconnectDelay: 100,
        maxReconnectDelay: 400,
        // The producer's persistent SENDs must land in a durable queue that survives the restart.
        clientQueues: [{ destination: '/queue/nest-stomp-hardening-*', allow: 'everyone' }],
      },
    }),
  ],
})
class RelayModule {}

/** A STOMP client straight to RabbitMQ over TCP, bypassing the app: the broker's own view. */
class BrokerClient {
  readonly frames: StompFrame[] = [];
  private readonly wakeups = new Wakeups();

  private constructor(private readonly socket: Socket) {
    const decoder = new FrameDecoder(
      {
        onFrame: (frame) => {
          this.frames.push(frame);
          this.wakeups.wake();
        },
        onHeartbeat: () => undefined,
        onError: (error) => socket.destroy(error),
      },
      { maxFrameSize: 1024 * 1024, maxHeaders: 100, maxHeaderLineLength: 8192 },
    );
    socket.on('data', (data: Buffer) => decoder.push(data));
  }

  static async connect(): Promise<BrokerClient> {
    const socket = connect(RABBITMQ_STOMP);
    const client = new BrokerClient(socket);
    socket.write('CONNECT\naccept-version:1.2\nlogin:guest\npasscode:guest\nhost:/\nheart-beat:0,0\n\n\0');
    await client.until(() => client.frames.some((f) => f.command === 'CONNECTED'), 'CONNECTED from RabbitMQ');
    return client;
  }

  write(frame: string): void {
    this.socket.write(frame);
  }

  async until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    await this.wakeups.until(condition, timeoutMs, () => new Error(`Timed out waiting for ${what}`));
  }

  close(): void {
    this.socket.end('DISCONNECT\n\n\0');
    this.socket.destroy();
  }
}

/**
 * Sends numbered, persistent SENDs with receipts through the app, WINDOW at a time, for as long as
 * it runs: across broker outages it reconnects (its session is closed when the broker goes) and
 * goes on with the next numbers. `receipted` are the numbers the app confirmed.
 */
class Producer {
  readonly receipted = new Set<number>();
  sessions = 0;
  refusedConnects = 0;
  private next = 0;
  private running = true;
  private failure: Error | undefined;
  private waiters: Array<() => void> = [];
  private readonly done: Promise<void>;
  private static readonly WINDOW = 16;

  constructor(
    private readonly url: string,
    private readonly destination: string,
    private readonly available: () => Promise<void>,
  ) {
    this.done = this.run().catch((error: Error) => {
      this.failure = error;
      this.wake();
    });
  }

  /** Resolves once `condition` holds, checked on every receipt; rejects if the producer failed. */
  async when(condition: () => boolean): Promise<void> {
    while (!condition()) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  get sent(): number {
    return this.next;
  }

  /** Stops after the receipts still due; resolves once the last session is over. */
  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    if (this.failure) throw this.failure;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const client = await RawStompClient.open(this.url);
      client.send('CONNECT', { 'accept-version': '1.2', 'heart-beat': '0,0' });
      await client.until(() => client.frames.length > 0 || client.closed !== undefined, 'CONNECTED or ERROR', 10_000);
      if (client.frames[0]?.command !== 'CONNECTED') {
        // The broker is away: CONNECT is refused until it is back.
        this.refusedConnects++;
        await client.waitClosed();
        if (this.refusedConnects > 10_000) throw new Error('CONNECT kept being refused');
        await this.available();
        continue;
      }
      this.sessions++;
      await this.produce(client);
    }
  }

  private async produce(client: RawStompClient): Promise<void> {
    const pending = new Set<number>();
    let seen = 0;
    const collect = () => {
      for (; seen < client.frames.length; seen++) {
        const frame = client.frames[seen]!;
        const receiptId = frame.headers['receipt-id'];
        if (frame.command !== 'RECEIPT' || !receiptId?.startsWith('p-')) continue;
        const seq = Number(receiptId.slice(2));
        pending.delete(seq);
        this.receipted.add(seq);
        this.wake();
      }
    };
    while (this.running && !client.closed) {
      while (pending.size < Producer.WINDOW) {
        const seq = this.next++;
        pending.add(seq);
        client.send('SEND', { destination: this.destination, persistent: 'true', 'content-type': 'text/plain', receipt: `p-${seq}` }, String(seq));
      }
      await client.until(() => (collect(), pending.size < Producer.WINDOW || client.closed !== undefined), 'a RECEIPT or the end of the session', 30_000);
    }
    if (!client.closed) {
      client.send('DISCONNECT', { receipt: 'bye' });
      await client.waitClosed().catch(() => client.terminate());
    }
    collect();
  }
}

describeWithRabbitMq('hardening: a RabbitMQ restart under load (STOMP relay)', () => {
  let server: RunningApp;
  let url: string;
  let warn: jest.SpiedFunction<Logger['warn']>;
  const queue = `nest-stomp-hardening-${randomUUID()}`;

  function availability(): Observable<boolean> {
    return server.app.get<{ availability$: Observable<boolean> }>(STOMP_BROKER).availability$;
  }

  const available = () => firstValueFrom(availability().pipe(filter((up) => up))).then(() => undefined);

  /**
   * Open STOMP connections to RabbitMQ of users other than this file's: another test file at work
   * (test/brokers/relay-rabbitmq.e2e-spec.ts restarts RabbitMQ too). While RabbitMQ itself does not answer, someone
   * is restarting it: that counts as busy as well.
   */
  async function foreignConnections(): Promise<string[]> {
    try {
      const { stdout } = await run('rabbitmqctl', ['-s', 'list_stomp_connections', 'auth_login', 'peer_port'], { timeout: 30_000 });
      return stdout.split('\n').filter((line) => line.trim() !== '' && !line.startsWith(`${USER}\t`));
    } catch (error) {
      return [`rabbitmqctl failed: ${(error as Error).message.split('\n')[0]}`];
    }
  }

  beforeAll(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    // A run that died before its afterAll may have left the user behind.
    await run('rabbitmqctl', ['add_user', USER, PASSWORD]).catch(async () => {
      await run('rabbitmqctl', ['delete_user', USER]);
      await run('rabbitmqctl', ['add_user', USER, PASSWORD]);
    });
    await run('rabbitmqctl', ['set_permissions', '-p', '/', USER, '.*', '.*', '.*']);
    server = await startApp(RelayModule);
    url = `${server.wsUrl}/ws`;
    await available();
  });

  afterAll(async () => {
    await server?.close();
    await run('rabbitmqctl', ['delete_queue', queue]).catch(() => undefined);
    await run('rabbitmqctl', ['delete_user', USER]).catch(() => undefined);
    warn.mockRestore();
  });

  it('loses no SEND it confirmed with a RECEIPT: every one is in the broker after the restart', async () => {
    const destination = `/queue/${queue}`;
    const producer = new Producer(url, destination, available);
    let stopped = false;
    try {
      await within(producer.when(() => producer.receipted.size >= 200), 20_000, '200 receipts before the restart');

      // Another test file using RabbitMQ meanwhile would see its clients cut off: wait until it is done.
      // Each look takes rabbitmqctl's own time (about half a second): no sleep needed between them.
      const deadline = Date.now() + 60_000;
      while ((await foreignConnections()).length > 0 && Date.now() < deadline);
      await within(available(), 30_000, 'the relay to be connected before the restart');

      const down = firstValueFrom(availability().pipe(filter((up) => !up)));
      stopped = true;
      await stopRabbitMq();
      await within(down, 10_000, 'the relay to notice the broker is gone');
    } finally {
      if (stopped) await startRabbitMq();
    }
    await within(available(), 30_000, 'the relay to reconnect');
    const sentBeforeRestart = producer.sent;
    await within(
      producer.when(() => [...producer.receipted].filter((seq) => seq >= sentBeforeRestart).length >= 200),
      20_000,
      '200 receipts after the restart',
    );
    await producer.stop();

    // The outage cut the producer off (its session ended with an ERROR) and it had to reconnect.
    expect(producer.sessions).toBeGreaterThanOrEqual(2);
    expect(producer.receipted.size).toBeGreaterThanOrEqual(400);

    // What RabbitMQ holds, read without the app: a superset of what the app confirmed.
    const consumer = await BrokerClient.connect();
    try {
      consumer.write(`SUBSCRIBE\nid:check\ndestination:/queue/${queue}\nack:auto\n\n\0`);
      const received = new Set<number>();
      const missing = () => [...producer.receipted].filter((seq) => !received.has(seq));
      await consumer
        .until(() => {
          for (const frame of consumer.frames.splice(0)) if (frame.command === 'MESSAGE') received.add(Number(frame.body.toString('utf8')));
          return missing().length === 0;
        }, 'every receipted message at the broker')
        .catch(() => {
          throw new Error(`${missing().length} receipted SENDs are not in the broker: ${missing().slice(0, 20).join(', ')}`);
        });
      expect(missing()).toEqual([]);
      // Nothing the producer never sent.
      expect([...received].every((seq) => seq < producer.sent)).toBe(true);
    } finally {
      consumer.close();
    }
  });
});
