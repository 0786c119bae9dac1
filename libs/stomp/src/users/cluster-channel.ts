import { StompLogger } from '../util/stomp-logger.js';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { filter, Subject, type Observable, type Subscription } from 'rxjs';
import type { MessageBroker } from '../broker/message-broker.js';
import { STOMP_BROKER } from '../interfaces/injection-tokens.js';

/** What every message between instances carries: what it is, and which instance sent it. */
export interface ClusterMessage {
  readonly kind: string;
  readonly from: string;
}

/**
 * The messages between the instances that share a broker (user messages, user registries), over
 * the broker's cluster channel. Each message is parsed once here, whoever reads it. Without a
 * cluster (the embedded broker) nothing is ever published or received.
 */
@Injectable()
export class ClusterChannel implements OnModuleDestroy {
  private readonly logger = new StompLogger('StompModule');
  private readonly messages = new Subject<ClusterMessage>();
  private readonly subscription: Subscription | undefined;

  constructor(@Inject(STOMP_BROKER) private readonly broker: MessageBroker) {
    this.subscription = broker.cluster?.messages$.subscribe((data) => this.received(data));
  }

  /** Whether other instances may exist (the broker has a cluster channel). */
  get enabled(): boolean {
    return this.broker.cluster !== undefined;
  }

  /** This instance's id; `undefined` without a cluster. */
  get instanceId(): string | undefined {
    return this.broker.cluster?.instanceId;
  }

  /** Messages of one kind, this instance's own included. */
  of<T extends ClusterMessage>(kind: T['kind']): Observable<T> {
    return this.messages.pipe(filter((message): message is T => message.kind === kind));
  }

  /** Sends to every instance; rejects when the broker is unreachable or there is no cluster. */
  async publish<T extends ClusterMessage>(message: Omit<T, 'from'>): Promise<void> {
    const cluster = this.broker.cluster;
    if (!cluster) throw new Error('No cluster channel: the broker serves a single instance');
    await cluster.publish(JSON.stringify({ ...message, from: cluster.instanceId }));
  }

  /**
   * Sends a message its sender encoded itself (a JSON object with `kind`, and `from` set to
   * `instanceId`): for senders that measure or split what they send.
   */
  async publishEncoded(data: string): Promise<void> {
    const cluster = this.broker.cluster;
    if (!cluster) throw new Error('No cluster channel: the broker serves a single instance');
    await cluster.publish(data);
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    this.messages.complete();
  }

  private received(data: string): void {
    let message: ClusterMessage;
    try {
      message = JSON.parse(data) as ClusterMessage;
    } catch {
      this.logger.warn('Dropped an unreadable message from the cluster channel');
      return;
    }
    if (typeof message?.kind !== 'string') return;
    this.messages.next(message);
  }
}
