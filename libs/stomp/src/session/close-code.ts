/** WebSocket close codes the server uses. */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  /** An administrator closed the session (policy). */
  POLICY: 1008,
  /** "Service restart": the client should reconnect, to another instance (rebalancing). */
  SERVICE_RESTART: 1012,
  /** Spring's code for a session closed by a server-side limit (time to first frame, send limits). */
  SESSION_LIMIT: 4500,
} as const;
