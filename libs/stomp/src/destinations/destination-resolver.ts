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
    const prefix = this.options.appPrefixes.find((p) => destination.startsWith(p));
    if (prefix === undefined) return undefined;
    return destination.slice(this.options.pathSeparator === '/' ? prefix.length - 1 : prefix.length);
  }

  isBrokerDestination(destination: string): boolean {
    return this.options.brokerPrefixes.some((p) => destination.startsWith(p));
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
