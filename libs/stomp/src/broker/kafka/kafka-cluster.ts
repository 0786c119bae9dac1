import { Subject, type Observable } from 'rxjs';
import type { BrokerCluster } from '../message-broker.js';

/**
 * Server-to-server messages over one topic that every instance with the same topic prefix reads
 * from its end: what one publishes, all receive, itself included, in the order it published.
 */
export class KafkaCluster implements BrokerCluster {
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

  received(data: string): void {
    this.messages.next(data);
  }

  complete(): void {
    this.messages.complete();
  }
}
