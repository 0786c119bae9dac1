import { Consumer, Producer, type MessagesStream } from '@platformatic/kafka';
import { encodePayload, readSequence } from '../shared/payload.js';
import { PUBLISHER, type DurableBenchClient, type ReadFrom } from './durable-client.js';

/** How long a fetch waits for new records when there are none: nest-stomp's `fetchMaxWait` default. */
const FETCH_MAX_WAIT_MS = 100;

/** The topic (g)'s Kafka baseline writes `stream` to: one partition, as nest-stomp's destinations. */
export function directTopic(prefix: string, stream: string): string {
  return `${prefix}.direct.${stream}`;
}

/**
 * (g)'s Kafka baseline: @platformatic/kafka, the client nest-stomp uses. The publisher is a
 * Producer with acks=all (what a nest-stomp RECEIPT waits for); a subscriber is a Consumer of its
 * own reading partition 0 from the end of the log it saw when subscribing, or from offset 0, with
 * no group commits (each reader keeps its own position, as nest-stomp's topic subscriptions do).
 */
export class KafkaDurableClient implements DurableBenchClient {
  onMessage: (seq: number) => void = () => undefined;
  failure: string | undefined;
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;

  private constructor(
    private readonly brokers: readonly string[],
    private readonly prefix: string,
    private readonly clientId: string,
  ) {}

  static async connect(brokers: readonly string[], prefix: string, clientId: string): Promise<KafkaDurableClient> {
    return new KafkaDurableClient(brokers, prefix, clientId);
  }

  async subscribe(stream: string, from: ReadFrom): Promise<void> {
    const topic = directTopic(this.prefix, stream);
    const consumer = new Consumer({ clientId: this.clientId, groupId: `${this.prefix}-${this.clientId}`, bootstrapBrokers: [...this.brokers], maxWaitTime: FETCH_MAX_WAIT_MS });
    this.consumer = consumer;
    const offset = from === 'first' ? 0n : ((await consumer.listOffsets({ topics: [topic] })).get(topic)?.[0] ?? 0n);
    this.stream = await consumer.consume({ topics: [topic], mode: 'manual', offsets: [{ topic, partition: 0, offset }], autocommit: false });
    this.stream.on('data', (message) => this.onMessage(message.value ? readSequence(message.value, 0) : -1));
    this.stream.on('error', (error: Error) => (this.failure ??= error.message));
  }

  send(stream: string, seq: number, sizeBytes: number): void {
    this.produce(stream, seq, sizeBytes).catch((error: Error) => (this.failure ??= error.message));
  }

  async sendStored(stream: string, seq: number, sizeBytes: number): Promise<void> {
    await this.produce(stream, seq, sizeBytes);
  }

  async close(): Promise<void> {
    this.onMessage = () => undefined;
    if (this.stream) await this.stream.close().catch(() => undefined);
    const consumer = this.consumer;
    // Forced: a consumer in the middle of a fetch would otherwise wait for it to end.
    if (consumer) await new Promise<void>((done) => consumer.close(true, () => done()));
    if (this.producer) await this.producer.close().catch(() => undefined);
  }

  private produce(stream: string, seq: number, sizeBytes: number): Promise<unknown> {
    this.producer ??= new Producer({ clientId: this.clientId, bootstrapBrokers: [...this.brokers], acks: -1, autocreateTopics: false });
    const value = Buffer.from(encodePayload(seq, PUBLISHER, sizeBytes));
    return this.producer.send({ messages: [{ topic: directTopic(this.prefix, stream), partition: 0, value }], acks: -1 });
  }
}
