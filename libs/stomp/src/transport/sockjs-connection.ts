import type { Connection } from 'sockjs';
import type { StompConnection, StompConnectionListener } from '../session/stomp-connection.js';

const NOOP_LISTENER: StompConnectionListener = { onData() {}, onClose() {} };

/** SockJS carries text only: binary bodies travel as UTF-8 text. */
export class SockJsConnection implements StompConnection {
  readonly transport = 'sockjs';
  readonly protocol = '';
  private listener = NOOP_LISTENER;

  constructor(private readonly conn: Connection) {
    conn.on('data', (message: string) => this.listener.onData(message));
    conn.on('close', () => this.listener.onClose(1000, ''));
  }

  get remoteAddress(): string | undefined {
    return this.conn.remoteAddress;
  }

  get headers(): Connection['headers'] {
    return this.conn.headers;
  }

  get url(): string {
    return this.conn.url;
  }

  get bufferedAmount(): number {
    // SockJS buffers inside its session object; it exposes no count.
    return 0;
  }

  listen(listener: StompConnectionListener): void {
    this.listener = listener;
  }

  send(data: Buffer): void {
    if (this.conn.readyState !== 1) return;
    this.conn.write(data.toString('utf8'));
  }

  close(code: number, reason: string): void {
    // The typings say string, but sockjs writes the value into JSON as given: a number reaches
    // the browser's CloseEvent as the number it is.
    (this.conn.close as unknown as (code: number, reason: string) => boolean).call(this.conn, code, reason);
  }

  terminate(): void {
    this.conn.destroy();
  }
}
