import type { Admin } from '@platformatic/kafka';
import { RetentionPolicy } from '../retention/retention-policy.js';
import { KafkaTopics } from './kafka-topics.js';

describe('KafkaTopics', () => {
  it('refuses a destination past maxTopics with an error naming the option, before asking Kafka anything', async () => {
    const admin = {} as Admin; // never called: the limit is checked first
    const topics = new KafkaTopics(admin, new RetentionPolicy([], '/'), undefined, 0, () => Promise.resolve());
    await expect(topics.ensure('/topic/invented-1', 'nest-stomp.topic.invented-2D1')).rejects.toMatchObject({
      code: 'STOMP_ERR_LIMIT',
      message: "Destination '/topic/invented-1' refused: this instance uses at most 0 Kafka topics, one per destination (option broker.maxTopics)",
    });
  });
});
