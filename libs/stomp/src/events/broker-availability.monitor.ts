import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { distinctUntilChanged, of, type Subscription } from 'rxjs';
import { StompEvents } from './stomp-events.js';
import { STOMP_BROKER } from '../interfaces/injection-tokens.js';
import type { MessageBroker } from '../broker/message-broker.js';

/** Turns the broker's availability into `broker-availability` events (once listeners are wired). */
@Injectable()
export class BrokerAvailabilityMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(
    @Inject(STOMP_BROKER) private readonly broker: MessageBroker,
    private readonly events: StompEvents,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = (this.broker.availability$ ?? of(true))
      .pipe(distinctUntilChanged())
      .subscribe((available) => this.events.emit({ type: 'broker-availability', available }));
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
