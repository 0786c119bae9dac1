import { bodyExcerpt, describeArrivals } from './frame-description.js';

const message = (destination: string, body: string | Buffer) => ({
  command: 'MESSAGE',
  headers: { destination, subscription: 'sub-1', 'content-type': 'text/plain' },
  body: typeof body === 'string' ? Buffer.from(body) : body,
});

describe('what a failed expectation says arrived', () => {
  it("'nothing arrived' when nothing did", () => {
    expect(describeArrivals([])).toBe('nothing arrived');
  });

  it('numbers each message: destination, the other headers, a quoted body', () => {
    expect(describeArrivals([message('/topic/a', 'one'), message('/topic/b', '')])).toBe(
      '2 messages arrived instead:\n' +
        '  1. MESSAGE /topic/a {subscription:sub-1, content-type:text/plain} body "one"\n' +
        '  2. MESSAGE /topic/b {subscription:sub-1, content-type:text/plain} body (empty)',
    );
  });

  it('cuts a long body short and counts the bytes of one that is not text', () => {
    expect(bodyExcerpt(Buffer.from('x'.repeat(500)))).toBe(JSON.stringify(`${'x'.repeat(200)}...`));
    expect(bodyExcerpt(Buffer.from([0xff, 0xfe, 0x00]))).toBe('(3 bytes, not UTF-8 text)');
  });
});
