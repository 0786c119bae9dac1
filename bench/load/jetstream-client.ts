import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { encodePayload, readSequence } from '../shared/payload.js';
import { PUBLISHER, type DurableBenchClient, type ReadFrom } from './durable-client.js';

/** The stream (g)'s JetStream baseline publishes to: `<PREFIX>_DIRECT`, subjects `<prefix>.direct.>`. */
export function directStream(prefix: string): { name: string; subjects: string } {
  return { name: `${prefix.toUpperCase()}_DIRECT`, subjects: `${prefix}.direct.>` };
}

/**
 * (g)'s JetStream baseline: the official client on a NATS connection of its own. The publisher
 * calls `js.publish` (each resolves on JetStream's acknowledgement); a subscriber reads with an
 * ordered consumer filtered to the stream's subject, from the stream's next sequence or from the
 * start, as nest-stomp's subscriptions do.
 */
export class JetStreamDurableClient implements DurableBenchClient {
  onMessage: (seq: number) => void = () => undefined;
  failure: string | undefined;
  private stopReading: (() => void) | undefined;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly prefix: string,
  ) {}

  static async connect(servers: string, prefix: string): Promise<JetStreamDurableClient> {
    const nc = await connect({ servers });
    return new JetStreamDurableClient(nc, jetstream(nc), await jetstreamManager(nc), prefix);
  }

  async subscribe(stream: string, from: ReadFrom): Promise<void> {
    const { name } = directStream(this.prefix);
    const filter_subjects = this.subject(stream);
    const start =
      from === 'first'
        ? { deliver_policy: 'all' as const }
        : { deliver_policy: 'by_start_sequence' as const, opt_start_seq: (await this.jsm.streams.info(name)).state.last_seq + 1 };
    const consumer = await this.js.consumers.get(name, { filter_subjects, ...start });
    const messages = await consumer.consume({
      callback: (msg) => this.onMessage(readSequence(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength), 0)),
    });
    this.stopReading = () => {
      messages.stop();
      void consumer.delete().catch(() => undefined);
    };
  }

  send(stream: string, seq: number, sizeBytes: number): void {
    this.js.publish(this.subject(stream), encodePayload(seq, PUBLISHER, sizeBytes)).catch((error: Error) => (this.failure ??= error.message));
  }

  async sendStored(stream: string, seq: number, sizeBytes: number): Promise<void> {
    await this.js.publish(this.subject(stream), encodePayload(seq, PUBLISHER, sizeBytes));
  }

  async close(): Promise<void> {
    this.onMessage = () => undefined;
    this.stopReading?.();
    await this.nc.close().catch(() => undefined);
  }

  private subject(stream: string): string {
    return `${this.prefix}.direct.${stream}`;
  }
}
