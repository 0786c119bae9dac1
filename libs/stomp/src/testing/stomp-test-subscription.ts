import { StompExpectationError } from './errors/stomp-expectation.error.js';
import { describeArrivals } from './frame-description.js';
import type { StompTestMessage } from './stomp-test-message.js';

/** What a subscription needs of its client. */
export interface SubscriptionClient {
  readonly timeout: number;
  /** Resolves with `probe()`'s first defined value; fails after `timeoutMs` or when the connection fails. */
  waitFor<T>(probe: () => T | undefined, timeoutMs: number, timedOut: () => Error): Promise<T>;
  /** A RECEIPT round trip: what the server wrote to this client before has arrived. */
  sync(): Promise<void>;
  unsubscribe(subscription: StompTestSubscription): Promise<void>;
}

/** Tells what a predicate looks for, in a failure message. */
function describePredicate(predicate: (message: StompTestMessage) => boolean): string {
  const source = predicate.toString().replace(/\s+/g, ' ');
  return source.length > 120 ? `${source.slice(0, 120)}...` : source;
}

/**
 * A live subscription of a test client. Messages are kept in arrival order; `next` and
 * `expectMessage` each take one, so every message is expected once.
 */
export class StompTestSubscription {
  private readonly received: StompTestMessage[] = [];
  private readonly taken = new WeakSet<StompTestMessage>();

  constructor(
    /** The SUBSCRIBE's `id`. */
    readonly id: string,
    readonly destination: string,
    private readonly client: SubscriptionClient,
  ) {}

  /** @internal The client hands this subscription's MESSAGEs here. */
  receive(message: StompTestMessage): void {
    this.received.push(message);
  }

  /** Every MESSAGE of this subscription so far, in order, taken or not. */
  get messages(): readonly StompTestMessage[] {
    return this.received;
  }

  /** The messages not yet taken by `next` or `expectMessage`. */
  get pending(): StompTestMessage[] {
    return this.received.filter((message) => !this.taken.has(message));
  }

  /** The next message not yet taken: one already here, or the next to arrive. */
  next(timeout = this.client.timeout): Promise<StompTestMessage> {
    return this.client.waitFor(
      () => this.take(this.pending[0]),
      timeout,
      () => new StompExpectationError(`No message arrived on ${this.destination} (subscription ${this.id}) within ${timeout} ms`),
    );
  }

  /**
   * The first message not yet taken that `predicate` accepts (messages it rejects stay for
   * `next`). A predicate that throws (`message.json()` of a text body) rejects that message. On
   * timeout the error lists what arrived instead.
   */
  expectMessage(predicate: (message: StompTestMessage) => boolean = () => true, timeout = this.client.timeout): Promise<StompTestMessage> {
    const thrown: unknown[] = [];
    const accepts = (message: StompTestMessage): boolean => {
      try {
        return predicate(message);
      } catch (error) {
        thrown.push(error);
        return false;
      }
    };
    return this.client.waitFor(
      () => this.take(this.pending.find(accepts)),
      timeout,
      () => {
        const failures = thrown.length > 0 ? `\nThe predicate threw: ${String(thrown[thrown.length - 1])}` : '';
        return new StompExpectationError(
          `No message on ${this.destination} matched ${describePredicate(predicate)} within ${timeout} ms: ` +
            `${describeArrivals(this.pending.map((message) => message.frame))}${failures}`,
        );
      },
    );
  }

  /**
   * Fails if a message not yet taken is here after a RECEIPT round trip (so whatever the server
   * sent before is counted) and `ms` more milliseconds (for what other clients or timers cause).
   */
  async expectNothing(ms = 0): Promise<void> {
    await this.client.sync();
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    const arrived = this.pending;
    if (arrived.length > 0) {
      const list = describeArrivals(arrived.map((message) => message.frame)).replace(/ instead:/, ':');
      throw new StompExpectationError(`Expected no message on ${this.destination}, but ${list}`);
    }
  }

  /** UNSUBSCRIBE; resolves on its RECEIPT. */
  unsubscribe(): Promise<void> {
    return this.client.unsubscribe(this);
  }

  private take(message: StompTestMessage | undefined): StompTestMessage | undefined {
    if (message) this.taken.add(message);
    return message;
  }
}
