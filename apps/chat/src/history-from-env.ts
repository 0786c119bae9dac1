import type { StompModuleOptions } from 'nest-stomp';

/** Messages each room keeps for newcomers and for pages that come back, unless `CHAT_ROOM_HISTORY` says otherwise. */
export const DEFAULT_ROOM_HISTORY = 50;

/**
 * The rooms' history, as `retention` rules: the last `CHAT_ROOM_HISTORY` messages (default 50,
 * `0` keeps none) of every `/topic/room.*`, for a day. Brokers that keep a log (the embedded one)
 * replay them to a page that subscribes with `x-stream-offset`; the others ignore the header.
 */
export function roomHistoryFromEnv(env: NodeJS.ProcessEnv): NonNullable<StompModuleOptions['retention']> {
  const text = (env.CHAT_ROOM_HISTORY ?? '').trim();
  if (text !== '' && !/^\d+$/.test(text)) throw new Error(`CHAT_ROOM_HISTORY='${text}': expected a whole number of messages (0 for none)`);
  const messages = text === '' ? DEFAULT_ROOM_HISTORY : Number(text);
  return messages === 0 ? [] : [{ destinations: '/topic/room.*', maxMessages: messages, maxAge: 24 * 60 * 60_000 }];
}
