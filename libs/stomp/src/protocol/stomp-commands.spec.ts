import { CLIENT_COMMANDS, isClientCommand, mayHaveBody, SERVER_COMMANDS, usesHeaderEscaping } from './stomp-commands.js';

describe('STOMP commands', () => {
  it('knows the client frames of STOMP 1.2', () => {
    expect([...CLIENT_COMMANDS].sort()).toEqual(
      ['ABORT', 'ACK', 'BEGIN', 'COMMIT', 'CONNECT', 'DISCONNECT', 'NACK', 'SEND', 'STOMP', 'SUBSCRIBE', 'UNSUBSCRIBE'].sort(),
    );
    for (const command of CLIENT_COMMANDS) expect(isClientCommand(command)).toBe(true);
  });

  it.each([...SERVER_COMMANDS, 'send', 'Connect', '', 'FOO', 'SEND '])('does not take %j for a client command', (command) => {
    expect(isClientCommand(command)).toBe(false);
  });

  it('allows a body on SEND, MESSAGE and ERROR only', () => {
    const all = [...CLIENT_COMMANDS, ...SERVER_COMMANDS];
    expect(all.filter(mayHaveBody).sort()).toEqual(['ERROR', 'MESSAGE', 'SEND']);
  });

  it('escapes headers in every frame but CONNECT, STOMP and CONNECTED', () => {
    const all = [...CLIENT_COMMANDS, ...SERVER_COMMANDS];
    expect(all.filter((c) => !usesHeaderEscaping(c)).sort()).toEqual(['CONNECT', 'CONNECTED', 'STOMP']);
  });
});
