import { Inject, Injectable } from '@nestjs/common';
import { STOMP_SETTINGS } from '../interfaces/injection-tokens.js';

/** What the resolver reads of the module's options (prefixes end with `/`). */
export interface DestinationSettings {
  readonly appPrefixes: readonly string[];
  readonly brokerPrefixes: readonly string[];
  readonly userDestinationPrefix: string;
  readonly defaultDestinationPrefix: string;
  readonly pathSeparator: '/' | '.';
}

/** Which room of the pipeline a destination belongs to, by its prefix. */
@Injectable()
export class DestinationResolver {
  constructor(@Inject(STOMP_SETTINGS) private readonly options: DestinationSettings) {}

  /**
   * The destination a handler mapping sees: the application prefix removed, keeping the leading
   * slash for `/`-separated mappings (`/app/chat.send` → `/chat.send`, or `chat.send` with `.`).
   * `undefined` when no application prefix matches.
   */
  lookupDestination(destination: string): string | undefined {
    // Loops, not find/some with a closure: these run for every SEND and SUBSCRIBE.
    const prefixes = this.options.appPrefixes;
    for (let i = 0; i < prefixes.length; i++) {
      const prefix = prefixes[i]!;
      if (destination.startsWith(prefix)) return destination.slice(this.options.pathSeparator === '/' ? prefix.length - 1 : prefix.length);
    }
    return undefined;
  }

  isBrokerDestination(destination: string): boolean {
    const prefixes = this.options.brokerPrefixes;
    for (let i = 0; i < prefixes.length; i++) if (destination.startsWith(prefixes[i]!)) return true;
    return false;
  }

  /** Spring's default destination for a handler without `@SendTo`: `/topic` + the lookup destination. */
  defaultDestination(lookupDestination: string): string {
    const separator = lookupDestination.startsWith('/') ? '' : '/';
    return `${this.options.defaultDestinationPrefix}${separator}${lookupDestination}`;
  }

  describePrefixes(): string {
    return (
      `application prefixes: ${this.options.appPrefixes.join(', ')}; broker prefixes: ${this.options.brokerPrefixes.join(', ')}; ` +
      `user prefix: ${this.options.userDestinationPrefix}`
    );
  }

  get brokerPrefixes(): readonly string[] {
    return this.options.brokerPrefixes;
  }
}
