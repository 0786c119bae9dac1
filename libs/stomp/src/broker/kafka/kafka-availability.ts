import type { Logger } from '@nestjs/common';
import { BehaviorSubject, distinctUntilChanged, filter, type Observable } from 'rxjs';
import { StompBrokerUnavailableError } from '../../errors/stomp-broker-unavailable.error.js';
import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import type { KafkaBrokerSettings } from './kafka-broker-settings.js';

/**
 * Whether the Kafka broker can be used, as its fetch loop finds out: available while a fetch
 * succeeds, unavailable (with why) once one fails to reach Kafka. Until start() is over nothing is
 * logged, and the first answer is only kept for start() to report; after it, each change is logged
 * and emitted. Work that needs Kafka checks here first, so that it fails at once with
 * {@link StompBrokerUnavailableError} rather than waiting on a client that cannot answer.
 */
export class KafkaAvailability {
  readonly availability$: Observable<boolean>;
  /** `undefined` until Kafka first answered (or start-up timed out). */
  private readonly availability = new BehaviorSubject<boolean | undefined>(undefined);
  private lastError: unknown;
  private connected = false;
  private started = false;
  private closed = false;

  constructor(
    private readonly settings: Pick<KafkaBrokerSettings, 'brokers' | 'topicPrefix'>,
    private readonly logger: Logger,
  ) {
    this.availability$ = this.availability.pipe(
      filter((available): available is boolean => available !== undefined),
      distinctUntilChanged(),
    );
  }

  get isAvailable(): boolean {
    return this.connected;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves once Kafka first answered, either way, or once `timeout` ms passed. */
  async firstAnswer(timeout: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout)));
    const answered = new Promise<void>((resolve) => {
      const subscription = this.availability.subscribe((available) => available !== undefined && (resolve(), queueMicrotask(() => subscription.unsubscribe())));
    });
    await Promise.race([answered, timedOut]).finally(() => clearTimeout(timer));
  }

  /** start() is over: says how Kafka answered (or that it did not), and reports each change from now on. */
  reportStart(): void {
    this.started = true;
    if (this.connected) this.logger.log(`Kafka broker connected to ${this.settings.brokers.join(',')} (topics ${this.settings.topicPrefix}.*)`);
    else this.logger.warn(`Kafka broker unavailable at start-up (${this.downReason()}); retrying in the background, sends fail until then`);
    if (this.availability.value === undefined) this.availability.next(this.connected);
  }

  /** The broker is closing: what Kafka answers from now on changes nothing, and every check refuses. */
  close(): void {
    this.closed = true;
  }

  /** The broker closed its clients: unavailable for good (said once more if start() reported), then complete. */
  complete(): void {
    this.connected = false;
    if (this.started) this.availability.next(false);
    this.availability.complete();
  }

  /** A fetch succeeded (`ok`) or failed to reach Kafka (with why). */
  fetched(ok: boolean, error?: unknown): void {
    if (this.closed) return;
    if (!ok) this.lastError = error;
    const changed = ok !== this.connected;
    this.connected = ok;
    if (!this.started) {
      // start() waits for the first answer either way, and reports it.
      if (changed || this.availability.value === undefined) this.availability.next(ok);
      return;
    }
    if (!changed) return;
    if (ok) this.logger.log(`Kafka broker available again at ${this.settings.brokers.join(',')}`);
    else this.logger.warn(`Kafka broker unavailable (${this.downReason()}); sends fail until it is back`);
    this.availability.next(ok);
  }

  /** `clients`, while Kafka is there; else a {@link StompBrokerUnavailableError} saying why not. */
  check<T>(action: string, clients: T | undefined): T {
    if (this.closed) throw new StompBrokerUnavailableError(`Kafka broker unavailable: could not ${action} (the broker is closed)`);
    if (!this.connected || !clients) throw new StompBrokerUnavailableError(`Kafka broker unavailable: could not ${action} (${this.downReason()})`);
    return clients;
  }

  /** Runs `work`; a Kafka client's failure becomes a {@link StompBrokerUnavailableError} saying what Kafka answered. */
  async unavailableOnFailure<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StompProtocolError || error instanceof StompBrokerUnavailableError) throw error;
      throw new StompBrokerUnavailableError(`Kafka broker unavailable: could not ${action} (Kafka at ${this.settings.brokers.join(',')} answered: ${describe(error)})`, {
        cause: error,
      });
    }
  }

  private downReason(): string {
    return `Kafka at ${this.settings.brokers.join(',')} is not reachable${this.lastError ? `: ${describe(this.lastError)}` : ''}`;
  }
}

/** A Kafka client error in words: the aggregated errors' messages say what happened, the wrapper does not. */
function describe(error: unknown): string {
  const inner = (error as { errors?: unknown[] } | undefined)?.errors;
  if (Array.isArray(inner) && inner.length > 0) return inner.map((one) => describe(one)).join('; ');
  return error instanceof Error ? error.message : String(error);
}
