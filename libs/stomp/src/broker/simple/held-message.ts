import { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import type { BrokerMessage } from '../message-broker.js';

/** What a held message costs beyond its body and header text: the objects around it, roughly. */
const HELD_MESSAGE_OVERHEAD = 256;

/**
 * A message the broker keeps for a while: waiting in a queue, or delivered and not yet
 * acknowledged. Its MESSAGE template is made once, when first delivered, and shared by every
 * subscriber it goes to.
 */
export class HeldMessage {
  /** Bytes it counts against `maxQueuedBytes`. */
  readonly size: number;
  private template: MessageFrameTemplate | undefined;

  constructor(
    readonly message: BrokerMessage,
    template?: MessageFrameTemplate,
  ) {
    this.template = template;
    let size = message.body.length + HELD_MESSAGE_OVERHEAD;
    for (const name in message.headers) size += name.length + message.headers[name]!.length;
    this.size = size;
  }

  get frameTemplate(): MessageFrameTemplate {
    return (this.template ??= MessageFrameTemplate.forMessage(this.message));
  }

  /** The same message for a redelivery: marked `redelivered:true`, as RabbitMQ marks it. */
  redelivery(): HeldMessage {
    return new HeldMessage({ ...this.message, headers: { ...this.message.headers, redelivered: 'true' } });
  }
}
