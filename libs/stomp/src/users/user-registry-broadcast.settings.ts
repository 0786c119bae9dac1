/** How the instances sharing a broker tell each other of their users (option `userRegistryBroadcast`). */
export interface UserRegistryBroadcastOptions {
  /**
   * Changes to this instance's users, sessions and subscriptions go out at most once per this many
   * ms, as one delta of what changed. Default 100.
   */
  readonly interval?: number;
  /**
   * Average bytes per second this instance sends about its users, full snapshots included (bursts of
   * up to one second's worth); while it is spent, changes wait and merge. Default 1048576 (1 MiB).
   */
  readonly maxBytesPerSecond?: number;
}

/** What the user registry reads of the options, defaults applied. */
export interface UserRegistryBroadcastSettings {
  readonly interval: number;
  readonly maxBytesPerSecond: number;
}
