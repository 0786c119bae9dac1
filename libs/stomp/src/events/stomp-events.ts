import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { filter, Subject, type Observable } from 'rxjs';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import type { StompEvent, StompEventType } from './stomp-event.js';

/**
 * Session lifecycle events as an rxjs stream (Spring's `SessionConnectEvent`,
 * `SessionSubscribeEvent`, `SessionDisconnectEvent`...).
 *
 * @example
 * constructor(events: StompEvents) {
 *   events.ofType('disconnect').subscribe(({ session, reason }) => this.presence.leave(session.id));
 * }
 */
@Injectable()
export class StompEvents implements OnApplicationShutdown {
  private readonly subject = new Subject<StompEvent<SessionOutlet>>();
  readonly events$: Observable<StompEvent> = this.subject.asObservable();
  /** @internal The same events, for the stages that deliver to the sessions they name. */
  readonly internalEvents$: Observable<StompEvent<SessionOutlet>> = this.subject.asObservable();

  ofType<T extends StompEventType>(type: T): Observable<Extract<StompEvent, { type: T }>> {
    return this.events$.pipe(filter((event): event is Extract<StompEvent, { type: T }> => event.type === type));
  }

  /** @internal */
  emit(event: StompEvent<SessionOutlet>): void {
    this.subject.next(event);
  }

  onApplicationShutdown(): void {
    this.subject.complete();
  }
}
