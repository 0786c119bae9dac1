import { StompConfigurationError } from '../../errors/stomp-configuration.error.js';
import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { ClientQueuePolicy } from './client-queue-policy.js';
import { resolveStompOptions } from '../../stomp-options.resolver.js';

const alice = { name: 'alice' };

describe('ClientQueuePolicy', () => {
  it('refuses every client frame to /queue/... by default, naming the option, and leaves other destinations alone', () => {
    const policy = new ClientQueuePolicy([], '/');
    expect(() => policy.check('SEND', '/queue/jobs', alice)).toThrow(
      expect.objectContaining({ code: 'STOMP_ERR_FORBIDDEN_DESTINATION', message: expect.stringContaining('(relay option clientQueues)') }),
    );
    expect(() => policy.check('SUBSCRIBE', '/queue/jobs', undefined)).toThrow(StompProtocolError);
    for (const destination of ['/topic/jobs', '/exchange/amq.topic/x', '/amq/queue/jobs', '/temp-queue/x', '/queuex']) {
      expect(() => policy.check('SEND', destination, undefined)).not.toThrow();
    }
  });

  it('lets the first matching rule decide, by audience', () => {
    const policy = new ClientQueuePolicy(
      [
        { destination: '/queue/admin.*', allow: (principal) => principal?.name === 'root' },
        { destination: '/queue/team.*', allow: 'authenticated' },
        { destination: '/queue/**', allow: 'nobody' },
      ],
      '.',
    );
    expect(() => policy.check('SEND', '/queue/team.jobs', alice)).not.toThrow();
    expect(() => policy.check('SEND', '/queue/team.jobs', undefined)).toThrow(/rule '\/queue\/team\.\*' does not admit this client/);
    expect(() => policy.check('SUBSCRIBE', '/queue/admin.x', alice)).toThrow(/rule '\/queue\/admin\.\*' does not admit/);
    expect(() => policy.check('SUBSCRIBE', '/queue/admin.x', { name: 'root' })).not.toThrow();
    expect(() => policy.check('SEND', '/queue/other', alice)).toThrow(/rule '\/queue\/\*\*' does not admit/);
  });

  it('refuses where an allow check answers with a Promise: a client SEND may not wait for it', () => {
    const policy = new ClientQueuePolicy([{ destination: '/queue/**', allow: (() => Promise.resolve(true)) as never }], '/');
    expect(() => policy.check('SEND', '/queue/x', alice)).toThrow(/must answer at once/);
  });

  it('drops queue-shaping SEND headers, whatever their case, and keeps the application ones', () => {
    const policy = new ClientQueuePolicy([], '/');
    const headers = {
      'content-type': 'text/plain',
      'x-trace': 'abc',
      'x-max-retries': '3',
      Durable: 'true',
      'auto-delete': 'false',
      exclusive: 'true',
      'x-message-ttl': '1',
      'x-max-length': '1',
      'x-max-length-bytes': '1',
      'x-queue-type': 'quorum',
      'x-queue-mode': 'lazy',
      'x-dead-letter-exchange': 'amq.fanout',
      'x-dead-letter-routing-key': 'k',
      'x-expires': '1',
      'x-stream-max-segment-size-bytes': '1',
      persistent: 'true',
    };
    expect(policy.sendHeaders('/topic/x', headers)).toEqual({ 'content-type': 'text/plain', 'x-trace': 'abc', 'x-max-retries': '3' });
    // On a /queue a rule admitted, `persistent` and `x-queue-type` stay: the client may keep messages
    // there, and RabbitMQ refuses a SEND to a stream queue whose type the SEND does not repeat.
    expect(policy.sendHeaders('/queue/x', headers)).toEqual({
      'content-type': 'text/plain',
      'x-trace': 'abc',
      'x-max-retries': '3',
      'x-queue-type': 'quorum',
      persistent: 'true',
    });
  });

  it('is checked when the relay options are read', () => {
    const relay = (clientQueues: unknown) => resolveStompOptions({ endpoint: '/ws', broker: { kind: 'relay', clientQueues } as never }).broker;
    expect(() => relay([{ destination: '/topic/x', allow: 'everyone' }])).toThrow(StompConfigurationError);
    expect(() => relay([{ destination: '/queue/x', allow: 'anyone' }])).toThrow(/broker\.clientQueues.*destinations under '\/queue\/'/);
    expect(() => relay([{ destination: '/queue/x', allow: 'everyone', durable: true }])).toThrow(StompConfigurationError);
    expect(relay(undefined)).toMatchObject({ clientQueues: [] });
    expect(relay([{ destination: '/queue/x', allow: 'authenticated' }])).toMatchObject({ clientQueues: [{ destination: '/queue/x', allow: 'authenticated' }] });
  });
});
