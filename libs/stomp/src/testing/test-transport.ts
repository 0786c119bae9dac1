/** What a transport reports to the test client. */
export interface TransportListener {
  onData(data: Buffer, binary: boolean): void;
  /** Called once, whoever closed the connection. */
  onClose(code: number, reason: string): void;
}

/** An open connection to a STOMP endpoint: raw WebSocket or SockJS. */
export interface TestTransport {
  /** Writes one frame; `binary` asks for a binary WebSocket message. */
  send(frame: Buffer, binary: boolean): void;
  /** Closes the connection; resolves once it is closed (at once if it already is). */
  close(): Promise<void>;
}
