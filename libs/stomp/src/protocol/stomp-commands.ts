/** Commands a client may send (STOMP 1.2, section "Client Frames"). */
export const CLIENT_COMMANDS = [
  'CONNECT',
  'STOMP',
  'SEND',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'ACK',
  'NACK',
  'BEGIN',
  'COMMIT',
  'ABORT',
  'DISCONNECT',
] as const;

/** Commands a server sends. */
export const SERVER_COMMANDS = ['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR'] as const;

export type ClientCommand = (typeof CLIENT_COMMANDS)[number];
export type ServerCommand = (typeof SERVER_COMMANDS)[number];

const clientCommands: ReadonlySet<string> = new Set(CLIENT_COMMANDS);

export function isClientCommand(command: string): command is ClientCommand {
  return clientCommands.has(command);
}

/** Only these frames may carry a body; the spec forbids one on every other frame. */
const commandsWithBody: ReadonlySet<string> = new Set(['SEND', 'MESSAGE', 'ERROR']);

export function mayHaveBody(command: string): boolean {
  return commandsWithBody.has(command);
}

/** CONNECT, STOMP and CONNECTED headers are never escaped, for 1.0 compatibility (STOMP 1.2). */
export function usesHeaderEscaping(command: string): boolean {
  return command !== 'CONNECT' && command !== 'STOMP' && command !== 'CONNECTED';
}
