import { decodeOne } from './decode-one.testing.js';
import { encodeFrame } from './frame-encoder.js';
import { MessageFrameTemplate } from './message-frame-template.js';
import type { StompVersion } from './stomp-version.js';

const VERSIONS: readonly StompVersion[] = ['1.0', '1.1', '1.2'];

describe('MessageFrameTemplate', () => {
  const body = Buffer.from('{"price":42,"note":"é\\u0000"}\0\n', 'utf8');
  const template = new MessageFrameTemplate({ destination: '/topic/prices', 'content-type': 'application/json' }, body, false);

  it.each(VERSIONS)('makes a MESSAGE that a STOMP %s client decodes', (version) => {
    const decoded = decodeOne(template.frameFor(version, 'sub-7', 'msg-99'), version);
    expect(decoded.command).toBe('MESSAGE');
    expect({ ...decoded.headers }).toEqual({
      subscription: 'sub-7',
      'message-id': 'msg-99',
      destination: '/topic/prices',
      'content-type': 'application/json',
      'content-length': String(body.length),
    });
    expect(decoded.body.equals(body)).toBe(true);
  });

  it('writes subscription and message-id first, then the shared headers and the body', () => {
    expect(template.frameFor('1.2', 's', 'm').toString('utf8')).toBe(
      `MESSAGE\nsubscription:s\nmessage-id:m\ndestination:/topic/prices\ncontent-type:application/json\ncontent-length:${body.length}\n\n${body.toString('utf8')}\0`,
    );
  });

  it.each(VERSIONS)('makes the same frame as encodeFrame in STOMP %s', (version) => {
    const expected = encodeFrame(
      { command: 'MESSAGE', headers: { subscription: 'a', 'message-id': 'b', ...template.headers }, body },
      version,
    );
    expect(template.frameFor(version, 'a', 'b').equals(expected)).toBe(true);
  });

  it('gives each subscriber its own ids over the same shared part', () => {
    const one = template.frameFor('1.2', 'sub-1', 'm-1');
    const two = template.frameFor('1.2', 'sub-22', 'm-22');
    expect(decodeOne(one, '1.2').headers['subscription']).toBe('sub-1');
    expect(decodeOne(two, '1.2').headers['subscription']).toBe('sub-22');
    const tail = (frame: Buffer) => frame.subarray(frame.indexOf('destination:'));
    expect(tail(one).equals(tail(two))).toBe(true);
  });

  it('shares one buffer among consecutive subscribers with the same ids, and only among them', () => {
    const t = new MessageFrameTemplate({ destination: '/topic/x' }, Buffer.from('b'), false);
    const first = t.frameFor('1.2', 'sub-0', 'm1');
    expect(t.frameFor('1.2', 'sub-0', 'm1')).toBe(first);
    const other = t.frameFor('1.2', 'sub-1', 'm1');
    expect(other).not.toBe(first);
    expect(decodeOne(other, '1.2').headers.subscription).toBe('sub-1');
    expect(decodeOne(t.frameFor('1.2', 'sub-0', 'm2'), '1.2').headers['message-id']).toBe('m2');
    expect(decodeOne(t.frameFor('1.1', 'sub-0', 'm2'), '1.1').headers['message-id']).toBe('m2');
    expect(decodeOne(first, '1.2').headers['message-id']).toBe('m1');
  });

  describe('escaping', () => {
    const special = new MessageFrameTemplate({ destination: '/topic/a:b', note: 'x\\y' }, Buffer.from('b'), false);

    it.each([
      ['1.2', 'a:b\\c\nd\re'],
      ['1.1', 'a:b\\c\nd'],
    ] as Array<[StompVersion, string]>)('escapes the subscription id in STOMP %s so that it decodes back', (version, id) => {
      const frame = special.frameFor(version, id, 'm');
      expect(frame.toString('utf8')).toContain(`subscription:${version === '1.2' ? 'a\\cb\\\\c\\nd\\re' : 'a\\cb\\\\c\\nd'}\n`);
      const decoded = decodeOne(frame, version);
      expect(decoded.headers['subscription']).toBe(id);
      expect(decoded.headers['destination']).toBe('/topic/a:b');
      expect(decoded.headers['note']).toBe('x\\y');
    });

    it('writes everything raw in STOMP 1.0', () => {
      const frame = special.frameFor('1.0', 'a:b\\c', 'm');
      expect(frame.toString('utf8')).toBe('MESSAGE\nsubscription:a:b\\c\nmessage-id:m\ndestination:/topic/a:b\nnote:x\\y\ncontent-length:1\n\nb\0');
      expect({ ...decodeOne(frame, '1.0').headers }).toEqual({
        subscription: 'a:b\\c',
        'message-id': 'm',
        destination: '/topic/a:b',
        note: 'x\\y',
        'content-length': '1',
      });
    });

    it('encodes each version separately, whatever version asked first', () => {
      const t = new MessageFrameTemplate({ destination: '/a:b' }, Buffer.alloc(0), false);
      expect(t.frameFor('1.2', 's', 'm').toString()).toContain('destination:/a\\cb\n');
      expect(t.frameFor('1.0', 's', 'm').toString()).toContain('destination:/a:b\n');
      expect(t.frameFor('1.2', 's', 'm').toString()).toContain('destination:/a\\cb\n');
    });

    it('leaves out, for that version only, the headers a version cannot carry', () => {
      const t = new MessageFrameTemplate({ destination: '/a', note: 'line1\nline2', cr: 'a\rb', plain: 'ok' }, Buffer.from('x'), false);
      expect({ ...decodeOne(t.frameFor('1.0', 's', 'm'), '1.0').headers }).toEqual({
        subscription: 's',
        'message-id': 'm',
        destination: '/a',
        plain: 'ok',
        'content-length': '1',
      });
      const in11 = decodeOne(t.frameFor('1.1', 's', 'm'), '1.1').headers;
      expect([in11['note'], in11['cr'], in11['plain']]).toEqual(['line1\nline2', undefined, 'ok']);
      const in12 = decodeOne(t.frameFor('1.2', 's', 'm'), '1.2').headers;
      expect([in12['note'], in12['cr'], in12['plain']]).toEqual(['line1\nline2', 'a\rb', 'ok']);
    });
  });

  describe('bodies', () => {
    it('carries a binary body byte for byte', () => {
      const binary = Buffer.from([0, 0xff, 0xc3, 0x28, 0x0a, 0x0d, 0x0a, 0x00, 0x80]);
      const t = new MessageFrameTemplate({ destination: '/bin', 'content-type': 'application/octet-stream' }, binary, true);
      expect(t.binary).toBe(true);
      for (const version of VERSIONS) {
        const decoded = decodeOne(t.frameFor(version, 's', 'm'), version);
        expect(decoded.body.equals(binary)).toBe(true);
        expect(decoded.headers['content-length']).toBe('9');
      }
    });

    it('announces content-length:0 for an empty body', () => {
      const t = new MessageFrameTemplate({ destination: '/a' }, Buffer.alloc(0), false);
      const decoded = decodeOne(t.frameFor('1.2', 's', 'm'), '1.2');
      expect(decoded.headers['content-length']).toBe('0');
      expect(decoded.body.length).toBe(0);
    });

    it("ignores a content-length among the template's headers", () => {
      const t = new MessageFrameTemplate({ destination: '/a', 'content-length': '999' }, Buffer.from('abc'), false);
      const text = t.frameFor('1.2', 's', 'm').toString();
      expect(text.match(/content-length:/g)).toHaveLength(1);
      expect(decodeOne(t.frameFor('1.2', 's', 'm'), '1.2').headers['content-length']).toBe('3');
    });
  });

  describe('toFrame', () => {
    // Headers a version cannot carry, a colon and a backslash to escape, a header named like the prototype, a stray content-length.
    const awkward = new MessageFrameTemplate(
      { destination: '/topic/a:b', note: 'two\nlines', path: 'c:\\d', ['__proto__']: 'x', 'content-type': 'text/plain', 'content-length': '99' },
      Buffer.from('hi'),
      false,
    );

    it.each(VERSIONS)('is what decoding frameFor gives in STOMP %s', (version) => {
      for (const t of [template, awkward, new MessageFrameTemplate({ destination: '/topic/empty' }, Buffer.alloc(0), false)]) {
        const decoded = decodeOne(t.frameFor(version, 'sub:1', 'm-1'), version);
        const frame = t.toFrame(version, 'sub:1', 'm-1');
        expect(frame.command).toBe(decoded.command);
        expect(Object.entries(frame.headers)).toEqual(Object.entries(decoded.headers));
        expect(frame.body.equals(decoded.body)).toBe(true);
      }
    });

    it('gives every call a body of its own, so an interceptor that edits one leaves the message alone', () => {
      const frame = template.toFrame('1.2', 's', 'm');
      frame.body[0] = 0x21;
      expect(template.body.equals(body)).toBe(true);
      expect(template.toFrame('1.2', 's', 'm').body.equals(body)).toBe(true);
    });
  });
  describe('with an ack id (client-acknowledged subscriptions)', () => {
    it('writes the ack header to STOMP 1.2 clients only, and toFrame agrees', () => {
      const in12 = decodeOne(template.frameFor('1.2', 'sub-0', 'm-7', 'm-7:a'), '1.2');
      expect(in12.headers.ack).toBe('m-7:a');
      expect(in12.headers['message-id']).toBe('m-7');
      expect(template.toFrame('1.2', 'sub-0', 'm-7', 'm-7:a').headers.ack).toBe('m-7:a');
      for (const version of ['1.0', '1.1'] as const) {
        expect(decodeOne(template.frameFor(version, 'sub-0', 'm-7', 'm-7'), version).headers.ack).toBeUndefined();
        expect(template.toFrame(version, 'sub-0', 'm-7', 'm-7').headers.ack).toBeUndefined();
      }
    });

    it('does not hand an acknowledged delivery the shared frame of an unacknowledged one', () => {
      const t = new MessageFrameTemplate({ destination: '/queue/q' }, Buffer.from('x'), false);
      const shared = t.frameFor('1.2', 'sub-0', 'm1');
      expect(decodeOne(t.frameFor('1.2', 'sub-0', 'm1', 'm1'), '1.2').headers.ack).toBe('m1');
      expect(t.frameFor('1.2', 'sub-0', 'm1')).toBe(shared);
    });
  });
});
