import { StompError } from './stomp.error.js';

/** Machine codes of the protocol violations a peer can commit. */
export type StompProtocolErrorCode =
  | 'STOMP_ERR_FRAME_TOO_LARGE'
  | 'STOMP_ERR_TOO_MANY_HEADERS'
  | 'STOMP_ERR_HEADER_TOO_LONG'
  | 'STOMP_ERR_ILLEGAL_HEADER'
  | 'STOMP_ERR_ILLEGAL_ESCAPE'
  | 'STOMP_ERR_BAD_CONTENT_LENGTH'
  | 'STOMP_ERR_MISSING_NULL'
  | 'STOMP_ERR_UNEXPECTED_NULL'
  | 'STOMP_ERR_UNKNOWN_COMMAND'
  | 'STOMP_ERR_MISSING_HEADER'
  | 'STOMP_ERR_UNEXPECTED_BODY'
  | 'STOMP_ERR_NOT_CONNECTED'
  | 'STOMP_ERR_ALREADY_CONNECTED'
  | 'STOMP_ERR_UNSUPPORTED_VERSION'
  | 'STOMP_ERR_BAD_HEART_BEAT'
  | 'STOMP_ERR_DUPLICATE_SUBSCRIPTION'
  | 'STOMP_ERR_UNKNOWN_DESTINATION'
  | 'STOMP_ERR_UNKNOWN_TRANSACTION'
  | 'STOMP_ERR_DUPLICATE_TRANSACTION'
  | 'STOMP_ERR_HEART_BEAT_TIMEOUT'
  | 'STOMP_ERR_REFUSED'
  /** The broker dropped the session (its relay connection died); a send it refused is a StompBrokerUnavailableError. */
  | 'STOMP_ERR_BROKER_LOST'
  | 'STOMP_ERR_LIMIT'
  | 'STOMP_ERR_FORBIDDEN_DESTINATION'
  | 'STOMP_ERR_DECODER'
  /** Not the client's fault: an administrator disconnected the session (`StompAdmin.disconnect`). */
  | 'STOMP_ERR_ADMIN_DISCONNECT'
  /** Not the client's fault: the server asks it to reconnect, to another instance (`StompAdmin.rebalance`). */
  | 'STOMP_ERR_REBALANCE'
  /** An ACK or NACK named a message the session has not been sent, or has already acknowledged. */
  | 'STOMP_ERR_UNKNOWN_ACK'
  /** A SUBSCRIBE's `x-stream-offset` header is not one of `next`, `first`, `last`, `offset=<n>`, `timestamp=<s>`. */
  | 'STOMP_ERR_BAD_STREAM_OFFSET'
  /** A queue holds as many messages as its limit allows and the overflow policy refuses more. */
  | 'STOMP_ERR_QUEUE_FULL';

/**
 * A peer broke the STOMP protocol. The session answers with an ERROR frame whose `message`
 * header is this error's message, then closes the connection.
 */
export class StompProtocolError extends StompError {
  /** `receipt` of the offending frame, when its headers could be read: the ERROR's `receipt-id`. */
  readonly receiptId: string | undefined;

  constructor(
    readonly code: StompProtocolErrorCode,
    message: string,
    options?: ErrorOptions & { receiptId?: string },
  ) {
    super(message, options);
    this.receiptId = options?.receiptId;
  }

  /** The same error, answering the frame whose `receipt` it was. */
  withReceipt(receiptId: string | undefined): StompProtocolError {
    if (receiptId === undefined || receiptId === this.receiptId) return this;
    return new StompProtocolError(this.code, this.message, { cause: this.cause, receiptId });
  }

  /** An application hook (interceptor, authenticator) refused a frame. */
  static refused(command: string, reason: unknown): StompProtocolError {
    const message = reason instanceof Error ? reason.message : String(reason);
    return new StompProtocolError('STOMP_ERR_REFUSED', `${command} refused: ${message}`, { cause: reason });
  }
}
