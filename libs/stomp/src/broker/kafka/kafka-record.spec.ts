import { recordOf, templateOf } from './kafka-record.js';

describe('Kafka records', () => {
  it("carries a message's headers and body, and gives it its offset when read back", () => {
    const { headers, value } = recordOf({ destination: '/topic/a', headers: { 'content-type': 'text/plain', 'x-trace': 'é:1' }, body: Buffer.from('hi') });
    const template = templateOf('/topic/a', { offset: 42n, headers, value });
    expect(template.headers).toEqual({ destination: '/topic/a', 'content-type': 'text/plain', 'x-trace': 'é:1', 'x-stream-offset': '42' });
    expect(template.body.toString()).toBe('hi');
    expect(template.binary).toBe(false);
  });

  it("drops a sender's own x-stream-offset: the offset is Kafka's to give", () => {
    const { headers } = recordOf({ destination: '/topic/a', headers: { 'x-stream-offset': '7' }, body: Buffer.alloc(0) });
    expect([...headers.keys()].map(String)).toEqual([]);
    expect(templateOf('/topic/a', { offset: 3n, headers, value: null }).headers['x-stream-offset']).toBe('3');
  });

  it('reads a record without value or header values as empty', () => {
    const template = templateOf('/queue/b', { offset: 0n, headers: [[Buffer.from('k'), null]], value: undefined });
    expect(template.headers.k).toBe('');
    expect(template.body.length).toBe(0);
  });
});
