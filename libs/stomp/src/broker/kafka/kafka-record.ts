import { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import { STREAM_OFFSET_HEADER } from '../retention/stream-offset.js';
import type { BrokerMessage } from '../message-broker.js';

/** A record of one destination's topic, as the fetch loop and the queue consumers read it. */
export interface KafkaRecordRead {
  readonly offset: bigint;
  readonly headers: Iterable<readonly [Buffer | null | undefined, Buffer | null | undefined]>;
  readonly value: Buffer | null | undefined;
}

/** A message's STOMP headers as record headers (its destination is the topic's), body as value. */
export function recordOf(message: BrokerMessage): { headers: Map<Buffer, Buffer>; value: Buffer } {
  const headers = new Map<Buffer, Buffer>();
  for (const name in message.headers) {
    // The offset is Kafka's to give: a sender's own would mislead every subscriber.
    if (name !== STREAM_OFFSET_HEADER && name !== 'redelivered') headers.set(Buffer.from(name, 'utf8'), Buffer.from(message.headers[name]!, 'utf8'));
  }
  return { headers, value: message.body };
}

/**
 * The MESSAGE template of a record read from `destination`'s topic, its offset as `x-stream-offset`;
 * `redelivered` marks a message handed on after a NACK or a subscriber leaving (`redelivered:true`).
 */
export function templateOf(destination: string, record: KafkaRecordRead, redelivered = false): MessageFrameTemplate {
  const headers: Record<string, string> = {};
  for (const [name, value] of record.headers) if (name) headers[name.toString('utf8')] = value ? value.toString('utf8') : '';
  headers[STREAM_OFFSET_HEADER] = record.offset.toString();
  if (redelivered) headers.redelivered = 'true';
  return MessageFrameTemplate.forMessage({ destination, headers, body: record.value ?? Buffer.alloc(0) });
}
