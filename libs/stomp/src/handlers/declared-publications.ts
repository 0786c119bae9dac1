import { Injectable } from '@nestjs/common';
import type { StompPublication } from './handler-metadata.js';

/** A `@StompPublishes` declaration and the class that carries it. */
export interface DeclaredPublication {
  readonly publication: StompPublication;
  readonly declaredBy: string;
}

/**
 * The broker destinations applications declared with `@StompPublishes`, found by the explorer:
 * what they send through `SimpMessagingTemplate` that no handler returns. Only the AsyncAPI
 * document reads them.
 */
@Injectable()
export class DeclaredPublications {
  private readonly declared: DeclaredPublication[] = [];

  add(publication: StompPublication, declaredBy: string): void {
    this.declared.push({ publication, declaredBy });
  }

  all(): readonly DeclaredPublication[] {
    return this.declared;
  }
}
