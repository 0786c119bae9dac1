import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { decodeSegment, MAX_SUBJECT_BYTES, destinationToSubject, encodeSegment, patternToSubject, subjectToDestination } from './subject-mapping.js';

describe('JetStream subject mapping', () => {
  it.each([
    ['/topic/chat.general', '/', 'stomp.r0.topic.chat%2Egeneral'],
    ['/topic/chat.general', '.', 'stomp.r0./topic/chat.general'],
    ['/queue/a b/*>%', '/', 'stomp.r0.queue.a%20b.%2A%3E%25'],
    ['/topic//x/', '/', 'stomp.r0.topic.%.x.%'],
    ['/topic/ünïcode', '/', 'stomp.r0.topic.ünïcode'],
  ] as const)('maps %s (separator %s) to %s and back', (destination, separator, subject) => {
    expect(destinationToSubject(destination, separator, 'stomp', 'r0')).toBe(subject);
    expect(subjectToDestination(subject, separator, 1)).toBe(destination);
  });

  it('escapes only what a NATS token cannot hold, and reads back any segment', () => {
    for (const segment of ['', '%', '%25', 'a.b', 'tab\there', '>', '*', 'plain-Name_1', '🙂']) {
      const token = encodeSegment(segment);
      expect(token).not.toMatch(/[.*>\s]/);
      expect(token.length).toBeGreaterThan(0);
      expect(decodeSegment(token)).toBe(segment);
    }
  });

  it('refuses a destination whose subject NATS would not take, naming the limit', () => {
    const long = `/topic/${'x'.repeat(MAX_SUBJECT_BYTES)}`;
    for (const map of [destinationToSubject, patternToSubject]) {
      expect(() => map(long, '/', 'stomp', 't')).toThrow(StompProtocolError);
      expect(() => map(long, '/', 'stomp', 't')).toThrow(`at most ${MAX_SUBJECT_BYTES}`);
    }
    expect(destinationToSubject(`/t/${'x'.repeat(MAX_SUBJECT_BYTES - 'stomp.t.t.'.length)}`, '/', 'stomp', 't')).toHaveLength(MAX_SUBJECT_BYTES);
  });

  it.each([
    ['/topic/*', '/', 'stomp.t.topic.*'],
    ['/topic/chat.*', '/', 'stomp.t.topic.*'],
    ['/topic/rooms/**', '/', 'stomp.t.topic.>'],
    ['/topic/**/x', '/', 'stomp.t.>'],
    ['/**', '/', 'stomp.t.>'],
    ['/topic.chat.*', '.', 'stomp.t./topic.chat.*'],
    ['/topic.**', '.', 'stomp.t.>'],
  ] as const)('listens for pattern %s (separator %s) on %s', (pattern, separator, subject) => {
    expect(patternToSubject(pattern, separator, 'stomp', 't')).toBe(subject);
  });
});
