import { roomHistoryFromEnv } from './history-from-env.js';

describe('roomHistoryFromEnv', () => {
  it('keeps the last 50 messages of every room by default, the number CHAT_ROOM_HISTORY gives, none for 0', () => {
    expect(roomHistoryFromEnv({})).toEqual([{ destinations: '/topic/room.*', maxMessages: 50, maxAge: 86_400_000 }]);
    expect(roomHistoryFromEnv({ CHAT_ROOM_HISTORY: ' 200 ' })).toEqual([expect.objectContaining({ maxMessages: 200 })]);
    expect(roomHistoryFromEnv({ CHAT_ROOM_HISTORY: '0' })).toEqual([]);
  });

  it.each(['-1', 'lots', '1.5'])("refuses CHAT_ROOM_HISTORY='%s'", (text) => {
    expect(() => roomHistoryFromEnv({ CHAT_ROOM_HISTORY: text })).toThrow(`CHAT_ROOM_HISTORY='${text}': expected a whole number of messages (0 for none)`);
  });
});
