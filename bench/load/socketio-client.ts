import { io, type Socket } from 'socket.io-client';
import { makePayload, type BenchPayload } from '../shared/payload.js';
import type { BenchClient } from './bench-client.js';

const TIMEOUT_MS = 30_000;

/** The socket.io baseline's generator side: socket.io-client, its native client, on WebSocket only. */
export class SocketIoBenchClient implements BenchClient {
  onMessage: (seq: number) => void = () => undefined;
  failure: string | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('message', (payload: BenchPayload) => this.onMessage(typeof payload?.seq === 'number' ? payload.seq : -1));
    socket.on('disconnect', (reason) => (this.failure ??= `disconnected (${reason})`));
  }

  static async connect(url: string): Promise<SocketIoBenchClient> {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: TIMEOUT_MS });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return new SocketIoBenchClient(socket);
  }

  async subscribe(destination: string): Promise<void> {
    await this.socket.timeout(TIMEOUT_MS).emitWithAck('subscribe', destination);
  }

  send(destination: string, seq: number, sender: string, sizeBytes: number): void {
    this.socket.emit('send', destination, makePayload(seq, sender, sizeBytes));
  }

  close(): void {
    this.onMessage = () => undefined;
    this.socket.disconnect();
  }
}
