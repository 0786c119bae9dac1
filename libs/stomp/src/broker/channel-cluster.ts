import { Subject, type Observable } from 'rxjs';
import type { BrokerCluster } from './message-broker.js';

/**
 * Server-to-server messages over one channel of the broker that every instance sharing it reads (a
 * Redis channel, a NATS subject, a Kafka topic): what one publishes, all receive, itself included,
 * in the order it published. The broker sends with `send` and hands over what arrives to `received`.
 */
export class ChannelCluster implements BrokerCluster {
  readonly messages$: Observable<string>;
  private readonly messages = new Subject<string>();

  constructor(
    readonly instanceId: string,
    private readonly send: (data: string) => Promise<void>,
  ) {
    this.messages$ = this.messages.asObservable();
  }

  publish(data: string): Promise<void> {
    return this.send(data);
  }

  /** A message arrived on the cluster channel. */
  received(data: string): void {
    this.messages.next(data);
  }

  complete(): void {
    this.messages.complete();
  }
}
