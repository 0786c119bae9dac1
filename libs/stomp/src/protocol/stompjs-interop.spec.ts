import { Client, type IFrame, type IMessage, type IStompSocket } from '@stomp/stompjs';
import { FrameDecoder } from './frame-decoder.js';
import { encodeFrame } from './frame-encoder.js';
import { MessageFrameTemplate } from './message-frame-template.js';
import type { StompFrame } from './stomp-frame.js';

const LIMITS = { maxFrameSize: 256 * 1024, maxHeaders: 64, maxHeaderLineLength: 8192 };

/** Stands in for the browser WebSocket: records what stomp.js sends, lets the test play the server. */
class FakeSocket implements IStompSocket {
  url = 'ws://localhost/stomp';
  readyState = 1; // OPEN: stomp.js sends CONNECT at once
  binaryType = 'arraybuffer';
  onclose: ((ev?: unknown) => unknown) | null = null;
  onerror: ((ev: unknown) => unknown) | null = null;
  onmessage: ((ev: { data: string | ArrayBuffer }) => unknown) | null = null;
  onopen: ((ev?: unknown) => unknown) | null = null;
  readonly sent: Array<string | ArrayBuffer | ArrayBufferView | Blob | ArrayBufferLike> = [];

  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    this.sent.push(data);
  }

  close(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1000, reason: '', wasClean: true });
  }

  /** Delivers server bytes as a binary WebSocket message. */
  receive(data: Buffer): void {
    this.onmessage?.({ data: data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer });
  }
}

/** The server side: decodes whatever stomp.js has sent since the last call. */
function serverSide(socket: FakeSocket) {
  const frames: StompFrame[] = [];
  const decoder = new FrameDecoder(
    {
      onFrame: (f) => frames.push(f),
      onHeartbeat: () => {},
      onError: (e) => {
        throw e;
      },
    },
    LIMITS,
  );
  let consumed = 0;
  return {
    decoder,
    /** Messages stomp.js sent since the last call, and the frames they decoded to. */
    take(): { messages: typeof socket.sent; frames: StompFrame[] } {
      const messages = socket.sent.slice(consumed);
      consumed = socket.sent.length;
      const before = frames.length;
      for (const m of messages) {
        if (typeof m === 'string') decoder.push(m);
        else if (m instanceof ArrayBuffer) decoder.push(Buffer.from(m));
        else if (ArrayBuffer.isView(m)) decoder.push(Buffer.from(m.buffer, m.byteOffset, m.byteLength));
        else throw new Error('unexpected message type');
      }
      return { messages, frames: frames.slice(before) };
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('interoperability with the @stomp/stompjs client', () => {
  let socket: FakeSocket;
  let client: Client;
  let server: ReturnType<typeof serverSide>;

  beforeEach(async () => {
    socket = new FakeSocket();
    server = serverSide(socket);
    client = new Client({
      webSocketFactory: () => socket,
      connectHeaders: { login: 'guest', passcode: 'pa:ss\\word', host: 'localhost' },
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      splitLargeFrames: true,
      maxWebSocketChunkSize: 16 * 1024,
      debug: () => {},
    });
    const connected = new Promise<IFrame>((resolve) => (client.onConnect = resolve));
    client.activate();
    await flush();

    const { frames } = server.take();
    expect(frames).toHaveLength(1);
    const connect = frames[0]!;
    expect(connect.command).toBe('CONNECT');
    // CONNECT headers are never escaped: the passcode arrives exactly as configured
    expect({ ...connect.headers }).toEqual({
      login: 'guest',
      passcode: 'pa:ss\\word',
      host: 'localhost',
      'accept-version': '1.2,1.1,1.0',
      'heart-beat': '0,0',
    });

    socket.receive(encodeFrame({ command: 'CONNECTED', headers: { version: '1.2', 'heart-beat': '0,0', server: 'nest-stomp/0.1' } }, '1.2'));
    const frame = await connected;
    expect(frame.headers['version']).toBe('1.2');
    server.decoder.version = '1.2';
  });

  afterEach(async () => {
    const done = client.deactivate();
    await flush();
    const disconnect = server.take().frames.find((f) => f.command === 'DISCONNECT');
    if (disconnect) socket.receive(encodeFrame({ command: 'RECEIPT', headers: { 'receipt-id': disconnect.headers['receipt']! } }, '1.2'));
    await done;
  });

  it('decodes SUBSCRIBE with escaped headers', () => {
    client.subscribe('/topic/prices:eur', () => {}, { id: 'sub:1', selector: "a\nb" });
    const [subscribe] = server.take().frames;
    expect(subscribe!.command).toBe('SUBSCRIBE');
    expect({ ...subscribe!.headers }).toEqual({ id: 'sub:1', destination: '/topic/prices:eur', selector: 'a\nb' });
  });

  it('reassembles a large text SEND that stomp.js splits into 16 KiB WebSocket messages', () => {
    const body = 'Grüße aus Köln – € '.repeat(3000); // ~60 KB of UTF-8
    client.publish({ destination: '/app/chat', body, headers: { 'content-type': 'text/plain;charset=utf-8' } });
    const { messages, frames } = server.take();
    expect(messages.length).toBeGreaterThan(3);
    expect(messages.every((m) => typeof m === 'string' && m.length <= 16 * 1024)).toBe(true);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.command).toBe('SEND');
    expect(frames[0]!.headers['destination']).toBe('/app/chat');
    expect(frames[0]!.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(frames[0]!.body.toString('utf8')).toBe(body);
  });

  it('decodes a binary SEND byte for byte', () => {
    const binaryBody = new Uint8Array([0, 1, 0xff, 0xfe, 0x0a, 0x0d, 0x0a, 0, 0xc3, 0x28]);
    client.publish({ destination: '/app/bin', binaryBody, headers: { 'content-type': 'application/octet-stream' } });
    const { messages, frames } = server.take();
    expect(messages).toHaveLength(1);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.body.equals(Buffer.from(binaryBody))).toBe(true);
    expect(frames[0]!.headers['content-length']).toBe('10');
  });

  it('decodes a SEND without content-length (skipContentLengthHeader)', () => {
    client.publish({ destination: '/app/a', body: 'plain', skipContentLengthHeader: true });
    const { frames } = server.take();
    expect({ ...frames[0]!.headers }).toEqual({ destination: '/app/a' });
    expect(frames[0]!.body.toString()).toBe('plain');
  });

  it('delivers a MessageFrameTemplate MESSAGE to the stomp.js subscription', () => {
    const received: IMessage[] = [];
    client.subscribe('/topic/a:b', (m) => received.push(m), { id: 'sub:0' });
    server.take();
    const body = Buffer.from([0, 0xff, 0x0a, 0x00, 0x41]);
    const template = new MessageFrameTemplate({ destination: '/topic/a:b', 'content-type': 'application/octet-stream', note: 'line1\nline2' }, body, true);
    socket.receive(template.frameFor('1.2', 'sub:0', 'm-1'));
    expect(received).toHaveLength(1);
    const message = received[0]!;
    expect(message.headers['subscription']).toBe('sub:0');
    expect(message.headers['message-id']).toBe('m-1');
    expect(message.headers['destination']).toBe('/topic/a:b');
    expect(message.headers['note']).toBe('line1\nline2');
    expect(message.headers['content-length']).toBe('5');
    expect(Buffer.from(message.binaryBody).equals(body)).toBe(true);
  });

  it('hands stomp.js RECEIPT and ERROR frames, between heart-beats', () => {
    const receipts: IFrame[] = [];
    client.watchForReceipt('r:1', (f) => receipts.push(f));
    const errors: IFrame[] = [];
    client.onStompError = (f) => errors.push(f);
    let heartbeats = 0;
    client.onHeartbeatReceived = () => heartbeats++;

    socket.receive(
      Buffer.concat([
        Buffer.from('\n'),
        encodeFrame({ command: 'RECEIPT', headers: { 'receipt-id': 'r:1' } }, '1.2'),
        Buffer.from('\r\n'),
        encodeFrame({ command: 'ERROR', headers: { message: 'Bad: thing' }, body: 'details\nhere' }, '1.2'),
      ]),
    );
    expect(receipts.map((f) => f.headers['receipt-id'])).toEqual(['r:1']);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.headers['message']).toBe('Bad: thing');
    expect(errors[0]!.body).toBe('details\nhere');
    expect(heartbeats).toBe(2);
  });
});
