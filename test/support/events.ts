import type { INestApplication } from '@nestjs/common';
import { firstValueFrom, filter, throwError, timeout } from 'rxjs';
import { StompEvents, type StompEvent } from 'nest-stomp';
import { Recorder } from './recorder.js';

/** Resolves with the first event of the app matching `predicate` (subscribe before causing it). */
export function nextEvent<T extends StompEvent>(app: INestApplication, predicate: (event: StompEvent) => event is T): Promise<T>;
export function nextEvent(app: INestApplication, predicate: (event: StompEvent) => boolean): Promise<StompEvent>;
export function nextEvent(app: INestApplication, predicate: (event: StompEvent) => boolean): Promise<StompEvent> {
  return firstValueFrom(app.get(StompEvents).events$.pipe(filter(predicate)));
}

/** The disconnect event of one session. */
export function disconnectOf(app: INestApplication, sessionId: string): Promise<Extract<StompEvent, { type: 'disconnect' }>> {
  return nextEvent(app, (e): e is Extract<StompEvent, { type: 'disconnect' }> => e.type === 'disconnect' && e.session.id === sessionId);
}

/** Every STOMP event of an app, from `StompEvents.events$`, awaitable. */
export function recordEvents(app: INestApplication): Recorder<StompEvent> & { stop(): void } {
  const recorder = new Recorder<StompEvent>() as Recorder<StompEvent> & { stop(): void };
  const subscription = app.get(StompEvents).events$.subscribe(recorder.push);
  recorder.stop = () => subscription.unsubscribe();
  return recorder;
}

/** The session id of an event, if it has one. */
export function sessionOf(event: StompEvent): string | undefined {
  return 'session' in event ? event.session.id : undefined;
}

/**
 * The next `broker-availability` event of `app` saying `available`; fails after `waitMs` (a safety
 * bound: the wait is on the event), naming the port. Subscribe before causing the change.
 */
export function availabilityEvent(app: { readonly app: INestApplication; readonly port: number }, available: boolean, waitMs: number): Promise<unknown> {
  return firstValueFrom(
    app.app
      .get(StompEvents)
      .ofType('broker-availability')
      .pipe(
        filter((event) => event.available === available),
        timeout({ first: waitMs, with: () => throwError(() => new Error(`no broker-availability ${available} event on port ${app.port}`)) }),
      ),
  );
}
