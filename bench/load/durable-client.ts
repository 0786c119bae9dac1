import { StompBenchClient } from './stomp-client.js';
import { durableDestination } from '../shared/durable-names.js';

/** Where a subscriber of (g) starts reading a stream: only what comes next, or everything kept. */
export type ReadFrom = 'next' | 'first';

/**
 * One client of (g), whatever it talks to: a STOMP client of a nest-stomp server, or the service's
 * own Node client. A stream is named by the scenario (letters and digits); each client maps the
 * name to its service's (a retained STOMP destination, a Redis key, a subject, a topic).
 */
export interface DurableBenchClient {
  /** Called with the `seq` of every message received (-1 for one that is not a bench payload). */
  onMessage: (seq: number) => void;
  /** Why the client failed, once it has. */
  readonly failure: string | undefined;
  /** Resolves once reading is set up: every message stored after it resolves is received. */
  subscribe(stream: string, from: ReadFrom): Promise<void>;
  /** Publishes without waiting (pipelined); a failure shows in `failure`. */
  send(stream: string, seq: number, sizeBytes: number): void;
  /** Publishes and resolves once the service stored the message (and, on one connection, every earlier one). */
  sendStored(stream: string, seq: number, sizeBytes: number): Promise<void>;
  close(): Promise<void>;
}

export type ConnectDurable = () => Promise<DurableBenchClient>;

export const PUBLISHER = 'publisher';

/** A STOMP client of a nest-stomp server (or of its minimal baseline) on retained `/topic/durable/<stream>`. */
export class StompDurableClient implements DurableBenchClient {
  private constructor(private readonly client: StompBenchClient) {}

  static async connect(port: number): Promise<StompDurableClient> {
    return new StompDurableClient(await StompBenchClient.connect(`ws://127.0.0.1:${port}/ws`));
  }

  get onMessage(): (seq: number) => void {
    return this.client.onMessage;
  }

  set onMessage(handler: (seq: number) => void) {
    this.client.onMessage = handler;
  }

  get failure(): string | undefined {
    return this.client.failure;
  }

  subscribe(stream: string, from: ReadFrom): Promise<void> {
    return this.client.subscribe(durableDestination(stream), from === 'first' ? { 'x-stream-offset': 'first' } : {});
  }

  send(stream: string, seq: number, sizeBytes: number): void {
    this.client.send(durableDestination(stream), seq, PUBLISHER, sizeBytes);
  }

  sendStored(stream: string, seq: number, sizeBytes: number): Promise<void> {
    return this.client.sendWithReceipt(durableDestination(stream), seq, PUBLISHER, sizeBytes);
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
