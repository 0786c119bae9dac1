import { Logger } from '@nestjs/common';
import { createServer, type Server, type Socket } from 'node:net';
import { decodeFrame } from '../../protocol/decode-frame.js';
import type { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import type { StompVersion } from '../../protocol/stomp-version.js';
import { STOMP_DEFAULTS } from '../../stomp.options.js';
import type { BrokerSubscriber } from '../message-broker.js';
import { isShareable } from './shared-topic-subscriptions.js';
import { StompBrokerRelay } from './stomp-broker-relay.js';

// Against RabbitMQ: test/brokers/relay-shared-topics.e2e-spec.ts. Here what RabbitMQ cannot be made
// to do on demand (drop one connection, send an ERROR, hold a RECEIPT), with a broker of the test's own.

interface BrokerFrame {
  readonly command: string;
  readonly headers: Record<string, string>;
}

/** A STOMP broker on a local socket: CONNECTED, a RECEIPT for every receipt (unless held), and each connection's frames. */
class FakeBroker {
  readonly connections: Array<{ socket: Socket; frames: BrokerFrame[] }> = [];
  /** Shared SUBSCRIBEs whose RECEIPT waits for `release()`. */
  holdSubscribes = false;
  /** Destinations every SUBSCRIBE to is refused: an ERROR, then the connection closed, as RabbitMQ does. */
  readonly forbidden = new Set<string>();
  private held: Array<(refuse: boolean) => void> = [];
  private changed: () => void = () => undefined;
  private readonly server: Server = createServer((socket) => this.accept(socket));

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  close(): void {
    for (const { socket } of this.connections) socket.destroy();
    this.server.close();
  }

  /** The connection that got a SUBSCRIBE of a shared subscription, the latest one. */
  sharedConnection(): { socket: Socket; frames: BrokerFrame[] } | undefined {
    return this.connections.findLast(({ frames }) => frames.some((frame) => frame.command === 'SUBSCRIBE' && frame.headers.id!.startsWith('shared-')));
  }

  /** Every SUBSCRIBE and UNSUBSCRIBE of shared subscriptions, in order, on whichever connection. */
  sharedFrames(): string[] {
    return this.connections.flatMap(({ frames }) =>
      frames.filter((frame) => frame.headers.id?.startsWith('shared-')).map((frame) => `${frame.command} ${frame.headers.id} ${frame.headers.destination ?? ''}`.trim()),
    );
  }

  /** Answers the held SUBSCRIBEs: with their RECEIPT, or with an ERROR naming their receipt (`refuse`). */
  release(refuse = false): void {
    for (const answer of this.held.splice(0)) answer(refuse);
  }

  async until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise<void>((resolve) => (this.changed = resolve));
    }
  }

  private accept(socket: Socket): void {
    const connection = { socket, frames: [] as BrokerFrame[] };
    this.connections.push(connection);
    let buffered = '';
    socket.on('error', () => undefined);
    socket.on('data', (data) => {
      buffered += data.toString('utf8');
      let end: number;
      while ((end = buffered.indexOf('\0')) !== -1) {
        const text = buffered.slice(0, end).replace(/^\n+/, '');
        buffered = buffered.slice(end + 1);
        const [command, ...lines] = text.slice(0, text.indexOf('\n\n')).split('\n');
        const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]));
        connection.frames.push({ command: command!, headers });
        if (command === 'CONNECT') socket.write('CONNECTED\nversion:1.2\nheart-beat:0,0\nserver:RabbitMQ/3.10.8\n\n\0');
        const answer = (refuse = false) =>
          socket.write(refuse ? `ERROR\nreceipt-id:${headers.receipt}\nmessage:refused\n\n\0` : `RECEIPT\nreceipt-id:${headers.receipt}\n\n\0`);
        if (command === 'SUBSCRIBE' && this.forbidden.has(headers.destination!)) {
          socket.end(`ERROR\nreceipt-id:${headers.receipt}\nmessage:access refused\n\n\0`);
        } else if (headers.receipt !== undefined) {
          (this.holdSubscribes && command === 'SUBSCRIBE' && headers.id!.startsWith('shared-') ? this.held.push(answer) : answer());
        }
      }
      this.changed();
    });
  }
}

/** A session as the relay sees it: the MESSAGE bytes its session would write, and why it was lost. */
class Session implements BrokerSubscriber {
  readonly written: Buffer[] = [];
  readonly lost: string[] = [];
  isClosed = false;
  private wake: () => void = () => undefined;

  constructor(
    readonly id: string,
    readonly version: StompVersion = '1.2',
  ) {}

  deliverMessage(template: MessageFrameTemplate, subscriptionId: string, messageId: string, ack?: string): void {
    this.written.push(template.frameFor(this.version, subscriptionId, messageId, ack));
    this.wake();
  }

  deliver(): void {
    throw new Error('a shared subscription delivers through templates');
  }

  deliverFrame(): void {
    throw new Error('a shared subscription delivers through templates');
  }

  brokerLost(reason: string): void {
    this.lost.push(reason);
    this.isClosed = true;
    this.wake();
  }

  async until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

describe('isShareable', () => {
  it.each([
    ['/topic/news', {}, true],
    ['/topic/news.*', { ack: 'auto' }, true],
    ['/topic/news', { ack: 'client' }, false],
    ['/topic/news', { ack: 'client-individual' }, false],
    ['/topic/news', { 'prefetch-count': '10' }, false],
    ['/topic/news', { 'x-stream-offset': 'first' }, false],
    ['/queue/jobs', {}, false],
    ['/amq/queue/jobs', {}, false],
    ['/exchange/amq.fanout/x', {}, false],
    // RabbitMQ refuses these with an ERROR that names no receipt: kept off the shared connection.
    ['/topic/', {}, false],
    ['/topic/a/b', {}, false],
  ])('%s %j: %s', (destination, headers, expected) => {
    expect(isShareable(destination, headers)).toBe(expected);
  });
});

describe('StompBrokerRelay shared topic subscriptions, against a broker of the test', () => {
  let broker: FakeBroker;
  let relay: StompBrokerRelay;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));

  beforeEach(async () => {
    broker = new FakeBroker();
    const port = await broker.listen();
    relay = new StompBrokerRelay({ ...STOMP_DEFAULTS.relay, addresses: [{ host: '127.0.0.1', port }], virtualHost: undefined, heartbeat: [0, 0] });
    await relay.start();
  });

  afterEach(async () => {
    await relay.close();
    broker.close();
  });

  async function connected(...sessions: Session[]): Promise<void> {
    for (const session of sessions) await relay.connect(session);
  }

  it('writes one frame per subscription id and version, whatever the order subscribers came in, without the relay receipt', async () => {
    const [a, b, c, old] = [new Session('a'), new Session('b'), new Session('c'), new Session('old', '1.1')];
    await connected(a, b, c, old);
    await relay.subscribe(a, 'sub-0', '/topic/x', {});
    await relay.subscribe(b, 'mine', '/topic/x', {});
    await relay.subscribe(c, 'sub-0', '/topic/x', { ack: 'auto' });
    await relay.subscribe(old, 'sub-0', '/topic/x', {});
    expect(broker.sharedFrames()).toEqual(['SUBSCRIBE shared-0 /topic/x']);

    broker.sharedConnection()!.socket.write('MESSAGE\nsubscription:shared-0\nmessage-id:m:1\ndestination:/topic/x\nreceipt:r9\nx-path:a:b\ncontent-length:2\n\nhi\0');
    for (const session of [a, b, c, old]) await session.until(() => session.written.length === 1, `${session.id}'s MESSAGE`);
    expect(a.written[0]).toBe(c.written[0]);
    expect(decodeFrame(a.written[0]!, '1.2')).toEqual({
      command: 'MESSAGE',
      headers: { subscription: 'sub-0', 'message-id': 'm:1', destination: '/topic/x', 'x-path': 'a:b', 'content-length': '2' },
      body: Buffer.from('hi'),
    });
    expect(decodeFrame(b.written[0]!, '1.2').headers.subscription).toBe('mine');
    // STOMP 1.1 escapes too, but not \r: the frame is the 1.1 encoding, with the same headers once decoded.
    expect(old.written[0]).not.toBe(a.written[0]);
    expect(old.written[0]!.toString()).toContain('\nmessage-id:m\\c1\n');
    expect(decodeFrame(old.written[0]!, '1.1').headers).toEqual(decodeFrame(a.written[0]!, '1.2').headers);
  });

  it('sends one SUBSCRIBE for concurrent subscribers, resolved by its RECEIPT, and UNSUBSCRIBE when the last one leaves', async () => {
    const [a, b, c] = [new Session('a'), new Session('b'), new Session('c')];
    await connected(a, b, c);
    broker.holdSubscribes = true;
    let settled = 0;
    const first = relay.subscribe(a, 'sub-0', '/topic/y', {}).then(() => settled++);
    const second = relay.subscribe(b, 'sub-0', '/topic/y', {}).then(() => settled++);
    await broker.until(() => broker.sharedFrames().length === 1, 'the SUBSCRIBE');
    expect(settled).toBe(0);
    broker.release();
    await Promise.all([first, second]);
    await relay.subscribe(c, 'sub-1', '/topic/y', {});
    expect(broker.sharedFrames()).toEqual(['SUBSCRIBE shared-0 /topic/y']);

    relay.unsubscribe(a, 'sub-0');
    relay.unsubscribeAll(b);
    expect(broker.sharedFrames()).toHaveLength(1);
    relay.unsubscribe(c, 'sub-1');
    await broker.until(() => broker.sharedFrames().length === 2, 'the UNSUBSCRIBE');
    expect(broker.sharedFrames()).toEqual(['SUBSCRIBE shared-0 /topic/y', 'UNSUBSCRIBE shared-0']);
  });

  it('undoes a SUBSCRIBE still pending when its last subscriber leaves, once the broker confirmed it, and subscribes afresh for the next one', async () => {
    const [a, b] = [new Session('a'), new Session('b')];
    await connected(a, b);
    broker.holdSubscribes = true;
    const pending = relay.subscribe(a, 'sub-0', '/topic/z', {});
    await broker.until(() => broker.sharedFrames().length === 1, 'the SUBSCRIBE');
    relay.unsubscribeAll(a);
    const next = relay.subscribe(b, 'sub-0', '/topic/z', {});
    await broker.until(() => broker.sharedFrames().length === 2, 'the next SUBSCRIBE');
    broker.release();
    await Promise.all([pending, next]);
    await broker.until(() => broker.sharedFrames().length === 3, 'the UNSUBSCRIBE');
    expect(broker.sharedFrames()).toEqual(['SUBSCRIBE shared-0 /topic/z', 'SUBSCRIBE shared-1 /topic/z', 'UNSUBSCRIBE shared-0']);
  });

  it('never UNSUBSCRIBEs a SUBSCRIBE the broker refused (RabbitMQ would answer with an ERROR): its subscribers get the refusal', async () => {
    const [a, b, c] = [new Session('a'), new Session('b'), new Session('c')];
    await connected(a, b, c);
    broker.holdSubscribes = true;
    const refused = relay.subscribe(a, 'sub-0', '/topic/r', {});
    const alsoRefused = relay.subscribe(b, 'sub-0', '/topic/r', {});
    await broker.until(() => broker.sharedFrames().length === 1, 'the SUBSCRIBE');
    // Both leave while it is pending: the UNSUBSCRIBE would wait for the broker's RECEIPT.
    relay.unsubscribe(b, 'sub-0');
    relay.unsubscribeAll(a);
    broker.release(true);
    await expect(refused).rejects.toThrow('The STOMP broker refused it: refused');
    await expect(alsoRefused).rejects.toThrow('The STOMP broker refused it: refused');
    broker.holdSubscribes = false;
    await relay.subscribe(c, 'sub-0', '/topic/r', {});
    expect(broker.sharedFrames()).toEqual(['SUBSCRIBE shared-0 /topic/r', 'SUBSCRIBE shared-1 /topic/r']);
    expect([a.lost, b.lost, c.lost]).toEqual([[], [], []]);
  });

  it('ends every session with a shared subscription, and only those, when the shared connection is lost; the next one opens another', async () => {
    const [a, b, own, later] = [new Session('a'), new Session('b'), new Session('own'), new Session('later')];
    await connected(a, b, own, later);
    await relay.subscribe(a, 'sub-0', '/topic/p', {});
    await relay.subscribe(b, 'sub-0', '/topic/q', {});
    await relay.subscribe(own, 'sub-0', '/topic/p', { ack: 'client' });
    const shared = broker.sharedConnection()!;

    shared.socket.destroy();
    for (const session of [a, b]) await session.until(() => session.lost.length > 0, `${session.id} to be told`);
    expect(a.lost).toEqual([expect.stringMatching(/^Lost the connection to the message broker \(the relay's shared one, which carried this session's \/topic subscriptions: .+\); reconnect later$/)]);
    expect(b.lost).toEqual(a.lost);
    expect(own.lost).toEqual([]);

    await relay.subscribe(later, 'sub-0', '/topic/p', {});
    expect(broker.sharedConnection()).not.toBe(shared);
    expect(broker.sharedConnection()!.frames.filter((frame) => frame.command === 'SUBSCRIBE').map((frame) => frame.headers.destination)).toEqual(['/topic/p']);
  });

  it("tries a new destination on the client's own connection first: a refusal ends that session alone, and the trial's MESSAGEs are not the client's", async () => {
    const [a, intruder, b] = [new Session('a'), new Session('intruder'), new Session('b')];
    await connected(a, intruder, b);
    await relay.subscribe(a, 'sub-0', '/topic/open', {});
    const aConnection = broker.connections.find(({ frames }) => frames.some((frame) => frame.headers.id === 'nest-stomp-trial-0'))!;
    expect(aConnection.frames.filter((frame) => frame.command.endsWith('SUBSCRIBE')).map((frame) => `${frame.command} ${frame.headers.id}`)).toEqual([
      'SUBSCRIBE nest-stomp-trial-0',
      'UNSUBSCRIBE nest-stomp-trial-0',
    ]);

    broker.forbidden.add('/topic/secret');
    await expect(relay.subscribe(intruder, 'sub-0', '/topic/secret', {})).rejects.toThrow('access refused');
    await intruder.until(() => intruder.lost.length > 0, 'the intruder to be told');
    expect(broker.sharedFrames()).toEqual(['SUBSCRIBE shared-0 /topic/open']);

    // The shared connection and its sessions go on.
    await relay.subscribe(b, 'sub-0', '/topic/open', {});
    aConnection.socket.write('MESSAGE\nsubscription:nest-stomp-trial-0\nmessage-id:t1\ndestination:/topic/open\n\nlate\0');
    broker.sharedConnection()!.socket.write('MESSAGE\nsubscription:shared-0\nmessage-id:m1\ndestination:/topic/open\n\nnews\0');
    for (const session of [a, b]) await session.until(() => session.written.length === 1, `${session.id}'s MESSAGE`);
    expect(decodeFrame(a.written[0]!, '1.2').body.toString()).toBe('news');
    expect([a.lost, b.lost]).toEqual([[], []]);
  });

  it('ends every session with a shared subscription when the broker sends an ERROR on the shared connection', async () => {
    const a = new Session('a');
    await connected(a);
    await relay.subscribe(a, 'sub-0', '/topic/e', {});
    broker.sharedConnection()!.socket.write('ERROR\nmessage:boom\n\nwhy\0');
    await a.until(() => a.lost.length > 0, 'a to be told');
    expect(a.lost).toEqual(["The message broker sent an ERROR on the relay's shared connection, which carried this session's /topic subscriptions: boom (why); reconnect later"]);
  });
});
