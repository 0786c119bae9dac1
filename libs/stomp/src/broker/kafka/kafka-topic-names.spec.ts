import { clusterTopic, destinationOfTopic, topicOfDestination } from './kafka-topic-names.js';

describe('Kafka topic names', () => {
  it('writes / as . and escapes everything but letters and digits', () => {
    expect(topicOfDestination('nest-stomp', '/topic/chat.general')).toBe('nest-stomp.topic.chat-2Egeneral');
    expect(topicOfDestination('p', '/queue/a-b_c')).toBe('p.queue.a-2Db-5Fc');
    expect(topicOfDestination('p', '/topic/é')).toBe('p.topic.-C3-A9');
  });

  it.each(['/topic/chat.general', '/queue/a-b_c d', '/topic/é/ü€', '/topic/a.b/c', '/topic/-2E', '/topic/%41'])('reads back %s', (destination) => {
    expect(destinationOfTopic('nest-stomp', topicOfDestination('nest-stomp', destination))).toBe(destination);
  });

  it('never maps two destinations to names Kafka would take as colliding (. against _)', () => {
    const a = topicOfDestination('p', '/topic/a.b');
    const b = topicOfDestination('p', '/topic/a/b');
    expect(a.replaceAll('.', '_')).not.toBe(b.replaceAll('.', '_'));
    expect(a + b).not.toContain('_');
  });

  it('knows no destination for other topics, the cluster topic included', () => {
    expect(destinationOfTopic('p', 'other.topic')).toBeUndefined();
    expect(destinationOfTopic('p', clusterTopic('p'))).toBeUndefined();
    expect(destinationOfTopic('p', 'p.topic.a_b')).toBeUndefined();
  });

  it('refuses a destination whose topic name Kafka would refuse as too long', () => {
    expect(() => topicOfDestination('p', `/topic/${'x'.repeat(300)}`)).toThrow(/too long for Kafka/);
  });
});
