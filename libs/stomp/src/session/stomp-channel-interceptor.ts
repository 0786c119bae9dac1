import type { StompFrame } from '../protocol/stomp-frame.js';
import type { StompSession } from '../interfaces/stomp-session.interface.js';

/**
 * Sees the frame stream of every session (Spring's `ChannelInterceptor` on the client inbound and
 * outbound channels): the place for CONNECT authentication and for authorizing SUBSCRIBE and SEND
 * by destination.
 *
 * @example
 * const onlyAdminsPublishNews: StompChannelInterceptor = {
 *   inbound(frame, session) {
 *     if (frame.command === 'SEND' && frame.headers.destination?.startsWith('/topic/news') && !session.principal?.admin) {
 *       throw new Error('Only admins publish to /topic/news');
 *     }
 *     return frame;
 *   },
 * };
 */
export interface StompChannelInterceptor {
  /**
   * Every frame a client sends, before it takes effect (CONNECT included: set `session.principal`
   * here to authenticate). Return the frame, changed or not, to go on, or `null` to drop it
   * silently (a requested RECEIPT is still sent). Throw to refuse it: the client gets an ERROR
   * with the error's message and is disconnected; nothing of the frame takes effect.
   */
  inbound?(frame: StompFrame, session: StompSession): StompFrame | null | Promise<StompFrame | null>;
  /**
   * Every frame sent to a client (CONNECTED, MESSAGE, RECEIPT, ERROR), synchronously so that
   * delivery order is kept. Return the frame, changed or not, or `null` to not send it.
   */
  outbound?(frame: StompFrame, session: StompSession): StompFrame | null;
}
