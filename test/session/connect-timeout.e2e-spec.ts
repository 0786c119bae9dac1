import { Module } from '@nestjs/common';
import { StompModule } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, expectRefusal, publish, subscribe, waitMessages } from '../support/raw-frames.js';
import { unique } from '../support/unique.js';

@Module({ imports: [StompModule.forRoot({ endpoint: '/stomp', connectTimeout: 200 })] })
class ConnectTimeoutModule {}

const TIMEOUT_MESSAGE = 'No CONNECT frame within 200 ms of opening the connection';

describe('session: connectTimeout 200 ms', () => {
  const server = useApp(ConnectTimeoutModule);
  const url = () => `${server.wsUrl}/stomp`;

  it('closes a connection that never sends CONNECT with an ERROR and close code 4500', async () => {
    const openedAt = Date.now();
    const client = await RawStompClient.open(url());
    try {
      await expectRefusal(client, { message: TIMEOUT_MESSAGE, closeCode: 4500 });
      const elapsed = Date.now() - openedAt;
      expect(elapsed).toBeGreaterThanOrEqual(190);
      expect(elapsed).toBeLessThan(2000);
      expect(client.frames.map((f) => f.command)).toEqual(['ERROR']);
    } finally {
      await closeAll(client);
    }
  });

  it('does not count heart-beat EOLs or an unfinished CONNECT frame as CONNECT', async () => {
    const beats = await RawStompClient.open(url());
    const partial = await RawStompClient.open(url());
    try {
      beats.write('\n');
      beats.write('\r\n\n');
      partial.write('CONNECT\naccept-version:1.2\nhost:localhost\n');
      await expectRefusal(beats, { message: TIMEOUT_MESSAGE, closeCode: 4500 });
      await expectRefusal(partial, { message: TIMEOUT_MESSAGE, closeCode: 4500 });
    } finally {
      await closeAll(beats, partial);
    }
  });

  it('leaves a session that connected in time open after the timeout has passed', async () => {
    const connected = await RawStompClient.connect(url());
    const late = await RawStompClient.open(url());
    try {
      // The connection opened after the connected one times out first: the deadline has passed for both.
      await expectRefusal(late, { message: TIMEOUT_MESSAGE, closeCode: 4500 });
      expect(connected.closed).toBeUndefined();
      const topic = `/topic/${unique('in-time')}`;
      await subscribe(connected, topic);
      await publish(connected, topic, 'in time');
      expect((await waitMessages(connected, 1))[0]!.text).toBe('in time');
    } finally {
      await closeAll(connected, late);
    }
  });
});
