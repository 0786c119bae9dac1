import { isUtf8 } from 'node:buffer';
import { loadOptionalPackage } from '../util/optional-package.js';
import type { TestTransport, TransportListener } from './test-transport.js';

/** What the test client uses of a `sockjs-client` socket (the package's own types are a dev dependency). */
interface SockJsSocket {
  onopen: (() => void) | null;
  onmessage: ((event: { data: string }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  send(data: string): void;
  close(): void;
}

type SockJsConstructor = new (url: string) => SockJsSocket;

/** A SockJS session (through the optional peer `sockjs-client`): text messages only. */
export class SockJsTestTransport implements TestTransport {
  private closed = false;
  private readonly whenClosed: Promise<void>;

  private constructor(
    private readonly socket: SockJsSocket,
    listener: TransportListener,
  ) {
    socket.onmessage = (event) => listener.onData(Buffer.from(event.data, 'utf8'), false);
    this.whenClosed = new Promise((resolve) => {
      socket.onclose = (event) => {
        this.closed = true;
        listener.onClose(event.code, event.reason);
        resolve();
      };
    });
  }

  /** Opens a SockJS session at `url` (`http://host:port/endpoint`). */
  static open(url: string, listener: TransportListener): Promise<SockJsTestTransport> {
    const SockJS = loadOptionalPackage<SockJsConstructor>('sockjs-client', "The test client's SockJS transport");
    return new Promise((resolve, reject) => {
      const socket = new SockJS(url);
      socket.onopen = () => resolve(new SockJsTestTransport(socket, listener));
      socket.onclose = (event) => reject(new Error(`SockJS closed before it opened (code ${event.code}, reason '${event.reason}')`));
    });
  }

  send(frame: Buffer, binary: boolean): void {
    // SockJS frames are JSON strings: a body that is not UTF-8 text cannot cross intact.
    if (binary && !isUtf8(frame)) {
      throw new TypeError('SockJS carries text only: send a Buffer payload over the WebSocket transport, or a string');
    }
    this.socket.send(frame.toString('utf8'));
  }

  async close(): Promise<void> {
    if (!this.closed) this.socket.close();
    await this.whenClosed;
  }
}
