import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { availableOrSkipped } from './availability.js';

const run = promisify(execFile);
export const RABBITMQ_STOMP = { host: '127.0.0.1', port: 61613 };

/** Whether RabbitMQ's STOMP port answers; when it does not, see `availableOrSkipped`. */
export async function rabbitMqStompAvailable(): Promise<boolean> {
  return availableOrSkipped(
    await portOpen(RABBITMQ_STOMP.port),
    'RabbitMQ relay specs',
    `RabbitMQ STOMP is not listening on ${RABBITMQ_STOMP.port}`,
    '.ci/run starts it: rabbitmq-plugins enable rabbitmq_stomp',
  );
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `rabbitmqctl stop_app` / `start_app`: the broker goes away and comes back, the node keeps running. */
export async function stopRabbitMq(): Promise<void> {
  await run('rabbitmqctl', ['stop_app'], { timeout: 60_000 });
}

export async function startRabbitMq(): Promise<void> {
  await run('rabbitmqctl', ['start_app'], { timeout: 60_000 });
  await run('rabbitmqctl', ['await_startup'], { timeout: 60_000 }).catch(() => undefined);
}

export interface RabbitMqQueue {
  readonly name: string;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly arguments: string;
}

/** The queues RabbitMQ holds whose name starts with `prefix`, read with rabbitmqctl (no management API here). */
export async function rabbitMqQueuesNamed(prefix: string): Promise<RabbitMqQueue[]> {
  const { stdout } = await run('rabbitmqctl', ['-s', 'list_queues', 'name', 'durable', 'auto_delete', 'arguments'], { timeout: 60_000 });
  return stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([name]) => name?.startsWith(prefix))
    .map(([name, durable, autoDelete, args]) => ({ name: name!, durable: durable === 'true', autoDelete: autoDelete === 'true', arguments: args ?? '' }));
}

/** Deletes the queues whose name starts with `prefix` (a test run's own: give it a unique prefix). */
export async function deleteRabbitMqQueues(prefix: string): Promise<void> {
  for (const queue of await rabbitMqQueuesNamed(prefix)) await run('rabbitmqctl', ['-s', 'delete_queue', queue.name], { timeout: 60_000 }).catch(() => undefined);
}

/** Rows of a `rabbitmqctl -s list_...` command, its columns split. */
async function rabbitMqRows(...command: string[]): Promise<string[][]> {
  const { stdout } = await run('rabbitmqctl', ['-s', ...command], { timeout: 60_000 });
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

/**
 * The consumers of the queues `queues` holds (by name), as their STOMP subscriptions: RabbitMQ's
 * STOMP plugin tags each `T_<id of the SUBSCRIBE>`. One per SUBSCRIBE the broker got. Sorted.
 */
async function consumerTags(queues: (name: string) => boolean): Promise<string[]> {
  const consumers = await rabbitMqRows('list_consumers', 'queue_name', 'consumer_tag');
  return consumers
    .filter(([queue]) => queues(queue!))
    .map(([, tag]) => tag!)
    .sort();
}

/** Tags of the broker subscriptions to `/topic/<routingKey>` (each has a queue of its own bound to amq.topic). */
export async function rabbitMqTopicSubscriptions(routingKey: string): Promise<string[]> {
  const bindings = await rabbitMqRows('list_bindings', 'source_name', 'routing_key', 'destination_name');
  const queues = new Set(bindings.filter(([source, key]) => source === 'amq.topic' && key === routingKey).map(([, , queue]) => queue));
  return consumerTags((queue) => queues.has(queue));
}

/** Tags of the broker subscriptions to `/queue/<name>`. */
export function rabbitMqQueueSubscriptions(name: string): Promise<string[]> {
  return consumerTags((queue) => queue === name);
}
