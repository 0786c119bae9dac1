import { Injectable } from '@nestjs/common';
import { StompMappingError } from '../errors/stomp-mapping.error.js';
import type { MessageHandler } from './message-handler.js';

export interface HandlerMatch {
  readonly handler: MessageHandler;
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * `@MessageMapping` (SEND) and `@SubscribeMapping` (SUBSCRIBE) handlers by destination, each kind
 * in its own table.
 */
@Injectable()
export class MessageHandlerRegistry {
  private readonly tables = { message: new HandlerTable(), subscribe: new HandlerTable() };

  get size(): number {
    return this.tables.message.size + this.tables.subscribe.size;
  }

  add(handler: MessageHandler): void {
    this.tables[handler.kind].add(handler);
  }

  find(kind: MessageHandler['kind'], lookupDestination: string): HandlerMatch | undefined {
    return this.tables[kind].find(lookupDestination);
  }

  /** Every handler, `@MessageMapping`s first, each kind in the order it was mapped. */
  all(): readonly MessageHandler[] {
    return [...this.tables.message.all(), ...this.tables.subscribe.all()];
  }
}

/**
 * A literal destination is one map lookup; patterns are tried most specific first (fewest
 * wildcards, then longest), as Spring's pattern comparator does.
 */
class HandlerTable {
  private readonly literal = new Map<string, MessageHandler>();
  private patterns: MessageHandler[] = [];

  get size(): number {
    return this.literal.size + this.patterns.length;
  }

  private readonly mapped: MessageHandler[] = [];

  all(): readonly MessageHandler[] {
    return this.mapped;
  }

  add(handler: MessageHandler): void {
    const { pattern } = handler;
    const existing = pattern.isLiteral ? this.literal.get(pattern.pattern) : this.patterns.find((h) => h.pattern.pattern === pattern.pattern);
    if (existing) throw StompMappingError.ambiguous(pattern.pattern, existing.name, handler.name);
    this.mapped.push(handler);
    if (pattern.isLiteral) {
      this.literal.set(pattern.pattern, handler);
      return;
    }
    this.patterns = [...this.patterns, handler].sort((a, b) => specificity(a.pattern.pattern) - specificity(b.pattern.pattern));
  }

  find(lookupDestination: string): HandlerMatch | undefined {
    const literal = this.literal.get(lookupDestination);
    if (literal) return { handler: literal, variables: {} };
    for (const handler of this.patterns) {
      const variables = handler.pattern.match(lookupDestination);
      if (variables) return { handler, variables };
    }
    return undefined;
  }
}

/** Lower is more specific: `**` weighs most, then `*` and variables; longer patterns win ties. */
function specificity(pattern: string): number {
  const doubleWildcards = pattern.split('**').length - 1;
  const wildcards = (pattern.match(/\*|\{/g)?.length ?? 0) - 2 * doubleWildcards;
  return doubleWildcards * 1e6 + wildcards * 1e3 - Math.min(pattern.length, 999);
}
