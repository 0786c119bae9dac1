/**
 * How long a socket waits for the client's close frame after the server closed it (an ERROR, a
 * limit), instead of `ws`'s 30 s, and sockjs's forever: a client that never answers, or stopped
 * reading, holds no socket for long.
 */
export const CLOSE_HANDSHAKE_TIMEOUT_MS = 5000;
