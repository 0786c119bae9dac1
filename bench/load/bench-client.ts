/**
 * One connection of the load generator, whatever the server speaks. Each bench connection has at
 * most one subscription, so messages are reported per connection, by their sequence number.
 */
export interface BenchClient {
  /** Called with the `seq` of every message received (-1 for a message that is not a bench payload). */
  onMessage: (seq: number) => void;
  /** Subscribes and resolves once the server confirmed it (STOMP receipt, socket.io ack). */
  subscribe(destination: string): Promise<void>;
  /** Sends a bench payload of `sizeBytes` bytes of JSON. */
  send(destination: string, seq: number, sender: string, sizeBytes: number): void;
  /** How long its setup took (STOMP clients; socket.io has no CONNECT). */
  readonly timings?: ConnectTimings;
  /** Why the connection failed, once it has (an ERROR frame, a dropped socket). */
  readonly failure: string | undefined;
  close(): void;
}

export type ConnectClient = () => Promise<BenchClient>;

/** How long a client's setup took, in ms: the transport's opening, then CONNECT → CONNECTED. */
export interface ConnectTimings {
  readonly openMs: number;
  readonly connectMs: number;
}
