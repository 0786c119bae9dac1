import { RetentionPolicy } from './retention-policy.js';

describe('RetentionPolicy', () => {
  const limits = { maxMessages: 10, maxAge: 1000, maxBytes: 100 };
  const chat = { destinations: ['/topic/chat.*', '/topic/rooms/**'], ...limits };
  const all = { destinations: ['/topic/**'], ...limits, maxMessages: 99 };

  it('gives the first rule whose patterns match, none for other destinations', () => {
    const policy = new RetentionPolicy([chat, all], '/');
    expect(policy.ruleFor('/topic/chat.general')).toBe(chat);
    expect(policy.ruleFor('/topic/rooms/a/b')).toBe(chat);
    expect(policy.ruleFor('/topic/prices')).toBe(all);
    expect(policy.ruleFor('/queue/jobs')).toBeUndefined();
    expect(policy.isEmpty).toBe(false);
    expect(new RetentionPolicy([], '/').isEmpty).toBe(true);
  });
});
