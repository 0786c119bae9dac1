/** The StompModule limits the bench servers lift: guards against abusive clients, not costs of delivery. */

/** Above any size the bench is set to (BENCH_IDLE_CONNECTIONS and the like). */
export const UNLIMITED_CONNECTIONS = 1_000_000;
/**
 * Above any rate one bench client sends at. The fan-out publisher SENDs as fast as its window lets
 * it: with few subscribers that is well over the default 5000 frames/s (BENCH_SUBSCRIBERS=5 gets it
 * an ERROR and closed within a second), a guard against one flooding client, not a cost of delivery.
 */
export const UNLIMITED_FRAMES_PER_SECOND = 10_000_000;
