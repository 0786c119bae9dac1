import type { StompFrame, StompHeaders } from '../protocol/stomp-frame.js';
import { StompExpectationError } from './errors/stomp-expectation.error.js';
import { bodyExcerpt } from './frame-description.js';

/** A MESSAGE a test client received, with its body readable as text or JSON. */
export class StompTestMessage {
  constructor(
    /** The MESSAGE frame as it arrived. */
    readonly frame: StompFrame,
    /** Whether it came in a binary WebSocket message (the server sends `Buffer` payloads so). */
    readonly binary: boolean,
  ) {}

  get destination(): string {
    return this.frame.headers.destination ?? '';
  }

  get headers(): StompHeaders {
    return this.frame.headers;
  }

  get body(): Buffer {
    return this.frame.body;
  }

  /** The body as UTF-8 text. */
  get text(): string {
    return this.frame.body.toString('utf8');
  }

  /**
   * The body parsed as JSON (typed `any` unless you say, as fetch's `Response.json()`); throws a
   * StompExpectationError quoting the body when it is not JSON.
   */
  json<T = any>(): T {
    try {
      return JSON.parse(this.text) as T;
    } catch (error) {
      throw new StompExpectationError(`The MESSAGE to ${this.destination} is not JSON: body ${bodyExcerpt(this.body)}`, { cause: error });
    }
  }
}
