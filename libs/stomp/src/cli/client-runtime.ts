import type { Verb } from './client-endpoints.js';

/**
 * The helpers a generated client carries, as source text: encode and SEND, SUBSCRIBE and decode,
 * SUBSCRIBE for one reply. Only those its methods call are written (a strict project with
 * `noUnusedLocals` refuses the others), with the @stomp/stompjs types they name.
 */
export function runtimeFor(verbs: ReadonlySet<Verb>): { readonly code: string; readonly stompTypes: readonly string[] } {
  const pieces: string[] = [];
  const types = new Set<string>(['Client']);
  if (verbs.has('send')) {
    pieces.push(PUBLISH);
    types.add('StompHeaders');
  }
  if (verbs.has('subscribe')) {
    pieces.push(SUBSCRIBE);
    for (const type of ['IMessage', 'StompHeaders', 'StompSubscription']) types.add(type);
  }
  if (verbs.has('get')) {
    pieces.push(REQUEST);
    for (const type of ['IMessage', 'StompHeaders', 'StompSubscription']) types.add(type);
  }
  if (verbs.has('subscribe') || verbs.has('get')) pieces.push(DECODE);
  if (verbs.has('send')) pieces.push(CODEC);
  if (verbs.has('get')) pieces.push(TIMERS);
  return { code: pieces.join('\n'), stompTypes: [...types].sort() };
}

const PUBLISH = `function publish(client: Client, destination: string, payload: unknown, codec: Codec, contentType: string, headers: StompHeaders | undefined): void {
  const frameHeaders: StompHeaders = { ...headers, 'content-type': contentType };
  if (codec === 'binary') client.publish({ destination, binaryBody: payload as Uint8Array, headers: frameHeaders });
  else client.publish({ destination, body: codec === 'json' ? JSON.stringify(payload) : String(payload), headers: frameHeaders });
}
`;

const SUBSCRIBE = `function subscribe<T>(client: Client, destination: string, onMessage: (payload: T, message: IMessage) => void, headers: StompHeaders | undefined): StompSubscription {
  return client.subscribe(destination, (message) => onMessage(decode(message) as T, message), headers ?? {});
}
`;

const REQUEST = `/**
 * SUBSCRIBE, resolve with the first message, UNSUBSCRIBE. With an error destination, it listens
 * there first (waiting for the RECEIPT, so a report cannot outrun it) and rejects with the
 * handler's report.
 */
function request<T>(client: Client, destination: string, options: RequestOptions | undefined, errorDestination: string | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: unknown;
    const subscriptions: StompSubscription[] = [];
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      for (const subscription of subscriptions) subscription.unsubscribe();
      outcome();
    };
    const subscribeToReply = (): void => {
      if (settled) return;
      subscriptions.push(
        client.subscribe(
          destination,
          (message) => {
            try {
              const payload = decode(message) as T;
              settle(() => resolve(payload));
            } catch (error) {
              settle(() => reject(error));
            }
          },
          options?.headers ?? {},
        ),
      );
    };
    const timeout = options?.timeout;
    if (timeout !== undefined) {
      timer = timers.setTimeout(() => settle(() => reject(new Error(\`No reply from \${destination} within \${timeout} ms\`))), timeout);
    }
    try {
      if (errorDestination === undefined) {
        subscribeToReply();
      } else {
        const receipt = \`get-\${Math.random().toString(36).slice(2)}\`;
        client.watchForReceipt(receipt, subscribeToReply);
        const onReport = (message: IMessage): void => {
          const report = decode(message);
          if (report && typeof report === 'object' && (report as { destination?: unknown }).destination === destination) {
            settle(() => reject(new StompReplyError(report as StompReplyError['report'], destination)));
          }
        };
        subscriptions.push(client.subscribe(errorDestination, onReport, { receipt }));
      }
    } catch (error) {
      settle(() => reject(error));
    }
  });
}
`;

const DECODE = `/** JSON for a JSON content type (or none, as the server assumes), text for text/*, bytes otherwise. */
function decode(message: IMessage): unknown {
  const type = (message.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) return JSON.parse(message.body) as unknown;
  if (type.startsWith('text/')) return message.body;
  return message.binaryBody;
}
`;

const CODEC = `type Codec = 'json' | 'text' | 'binary';
`;

const TIMERS = `/** setTimeout without depending on the DOM's or Node's declarations. */
interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const timers = globalThis as unknown as Timers;
`;
