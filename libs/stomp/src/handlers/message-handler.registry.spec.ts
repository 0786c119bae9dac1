import { StompMappingError } from '../errors/stomp-mapping.error.js';
import { DestinationPattern } from '../protocol/destination-pattern.js';
import type { MessageHandler } from './message-handler.js';
import { MessageHandlerRegistry } from './message-handler.registry.js';

function handler(pattern: string, name = `Handler.${pattern}`, separator: '/' | '.' = '/', kind: MessageHandler['kind'] = 'message'): MessageHandler {
  return {
    kind,
    pattern: new DestinationPattern(pattern, separator),
    sendTo: undefined,
    sendToUser: undefined,
    exceptionHandlers: [],
    name,
    invoke: async () => undefined,
    signature: { payloadIndex: undefined, payloadType: undefined, payloadProperty: undefined, returnType: undefined, payloadDoc: undefined, replyDoc: undefined },
  };
}

/** Name of the handler that `destination` resolves to, or undefined. */
function resolve(registry: MessageHandlerRegistry, destination: string): string | undefined {
  return registry.find('message', destination)?.handler.name;
}

describe('MessageHandlerRegistry', () => {
  let registry: MessageHandlerRegistry;

  beforeEach(() => {
    registry = new MessageHandlerRegistry();
  });

  it('finds nothing when empty', () => {
    expect(registry.size).toBe(0);
    expect(registry.find('message', '/chat')).toBeUndefined();
  });

  it('finds a literal mapping with no variables', () => {
    const chat = handler('/chat.send', 'Chat.send');
    registry.add(chat);
    registry.add(handler('/chat.join', 'Chat.join'));
    expect(registry.size).toBe(2);

    const match = registry.find('message', '/chat.send');
    expect(match?.handler).toBe(chat);
    expect(match?.variables).toEqual({});
    expect(resolve(registry, '/chat.join')).toBe('Chat.join');
    expect(registry.find('message', '/chat.leave')).toBeUndefined();
    expect(registry.find('message', '/chat.send/x')).toBeUndefined();
  });

  it('finds a pattern mapping and returns its variables', () => {
    registry.add(handler('/rooms/{room}/messages/{id:\\d+}', 'Rooms.message'));
    const match = registry.find('message', '/rooms/lobby/messages/17');
    expect(match?.handler.name).toBe('Rooms.message');
    expect(match?.variables).toEqual({ room: 'lobby', id: '17' });
    expect(registry.find('message', '/rooms/lobby/messages/seventeen')).toBeUndefined();
  });

  it('uses the separator of each pattern', () => {
    registry.add(handler('/chat.{room}', 'Chat.room', '.'));
    expect(registry.find('message', '/chat.lobby')?.variables).toEqual({ room: 'lobby' });
    expect(registry.find('message', '/chat.a.b')).toBeUndefined();
  });

  describe('most specific mapping wins', () => {
    it('a literal beats any pattern, whichever is added first', () => {
      registry.add(handler('/a/{x}', 'Pattern'));
      registry.add(handler('/a/**', 'DoubleWildcard'));
      registry.add(handler('/a/b', 'Literal'));
      expect(resolve(registry, '/a/b')).toBe('Literal');
      expect(registry.find('message', '/a/b')?.variables).toEqual({});
      expect(resolve(registry, '/a/c')).toBe('Pattern');
    });

    it.each([
      ['variable first', ['/a/{x}', '/a/**']],
      ['double wildcard first', ['/a/**', '/a/{x}']],
    ])("'/a/{x}' beats '/a/**' (%s)", (_, order) => {
      for (const pattern of order) registry.add(handler(pattern, pattern));
      expect(registry.find('message', '/a/b')).toEqual({ handler: expect.objectContaining({ name: '/a/{x}' }), variables: { x: 'b' } });
      // Only '**' matches deeper destinations and the bare prefix.
      expect(resolve(registry, '/a/b/c')).toBe('/a/**');
      expect(resolve(registry, '/a')).toBe('/a/**');
    });

    it('fewer wildcards beat more', () => {
      registry.add(handler('/a/*/*', 'TwoStars'));
      registry.add(handler('/a/b/*', 'OneStar'));
      expect(resolve(registry, '/a/b/c')).toBe('OneStar');
      expect(resolve(registry, '/a/x/c')).toBe('TwoStars');
    });

    it('with as many wildcards, the longer pattern wins', () => {
      registry.add(handler('/a/**', 'Short'));
      registry.add(handler('/a/b/c/**', 'Long'));
      expect(resolve(registry, '/a/b/c/d')).toBe('Long');
      expect(resolve(registry, '/a/b/x')).toBe('Short');
    });

    it("'**' weighs more than several single wildcards", () => {
      registry.add(handler('/**', 'Everything'));
      registry.add(handler('/{a}/{b}/{c}', 'ThreeVariables'));
      expect(resolve(registry, '/x/y/z')).toBe('ThreeVariables');
      expect(resolve(registry, '/x/y')).toBe('Everything');
    });
  });

  describe('duplicate mappings', () => {
    it('of a literal destination throw StompMappingError naming both handlers', () => {
      registry.add(handler('/chat.send', 'ChatController.send'));
      let thrown: unknown;
      try {
        registry.add(handler('/chat.send', 'OtherController.post'));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(StompMappingError);
      const error = thrown as StompMappingError;
      expect(error.code).toBe('STOMP_ERR_AMBIGUOUS_MAPPING');
      expect(error.message).toContain('/chat.send');
      expect(error.message).toContain('ChatController.send');
      expect(error.message).toContain('OtherController.post');
      // The first mapping stays.
      expect(registry.size).toBe(1);
      expect(resolve(registry, '/chat.send')).toBe('ChatController.send');
    });

    it('of a pattern throw StompMappingError naming both handlers', () => {
      registry.add(handler('/rooms/{room}', 'Rooms.first'));
      expect(() => registry.add(handler('/rooms/{room}', 'Rooms.second'))).toThrow(StompMappingError);
      expect(() => registry.add(handler('/rooms/{room}', 'Rooms.third'))).toThrow(/Rooms\.first.*Rooms\.third/);
      expect(registry.size).toBe(1);
      expect(resolve(registry, '/rooms/x')).toBe('Rooms.first');
    });

    it('are not reported for different patterns', () => {
      registry.add(handler('/rooms/{room}', 'A'));
      registry.add(handler('/rooms/{name}/x', 'B'));
      registry.add(handler('/rooms/*', 'C'));
      expect(registry.size).toBe(3);
    });
  });

  it('keeps @MessageMapping and @SubscribeMapping handlers apart', () => {
    const send = handler('/rooms', 'Rooms.send');
    const subscribe = handler('/rooms', 'Rooms.list', '/', 'subscribe');
    registry.add(send);
    registry.add(subscribe);
    expect(registry.find('message', '/rooms')?.handler).toBe(send);
    expect(registry.find('subscribe', '/rooms')?.handler).toBe(subscribe);
    expect(registry.find('subscribe', '/other')).toBeUndefined();
  });
});
