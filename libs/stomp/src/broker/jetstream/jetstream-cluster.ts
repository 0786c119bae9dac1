import { Subject, type Observable } from 'rxjs';
import type { BrokerCluster } from '../message-broker.js';

/**
 * Server-to-server messages over one core NATS subject that every instance sharing the subject
 * prefix subscribes to: what one publishes, all receive, itself included, in the order it published.
 */
export class JetStreamCluster implements BrokerCluster {
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

  /** A message arrived on the cluster subject. */
  received(data: string): void {
    this.messages.next(data);
  }

  complete(): void {
    this.messages.complete();
  }
}
