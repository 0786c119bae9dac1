import type { StompModuleOptions } from 'nest-stomp';

/** The StompModule limits the bench servers lift: guards against abusive clients, not costs of delivery. */

/** Above any size the bench is set to (BENCH_IDLE_CONNECTIONS and the like). */
export const UNLIMITED_CONNECTIONS = 1_000_000;
/**
 * Above any rate one bench client sends at. The fan-out publisher SENDs as fast as its window lets
 * it: with few subscribers that is well over the default 5000 frames/s (BENCH_SUBSCRIBERS=5 gets it
 * an ERROR and closed within a second), a guard against one flooding client, not a cost of delivery.
 */
export const UNLIMITED_FRAMES_PER_SECOND = 10_000_000;

/**
 * The client side of every nest-stomp bench server: heart-beats off as in the baselines, and the
 * guards above lifted (every bench client connects from 127.0.0.1); all other options at their defaults.
 */
export const BENCH_CLIENT_OPTIONS = {
  endpoint: '/ws',
  heartbeat: [0, 0],
  maxConnections: UNLIMITED_CONNECTIONS,
  maxConnectionsPerAddress: UNLIMITED_CONNECTIONS,
  maxFramesPerSecond: UNLIMITED_FRAMES_PER_SECOND,
} as const satisfies StompModuleOptions;
