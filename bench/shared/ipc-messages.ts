/** What the orchestrator and a server child say to each other over the Node IPC channel. */

export interface ServerStats {
  /** process.cpuUsage() of the server: user + system µs, all threads (GC included). */
  readonly cpuMicros: number;
  /**
   * When the server took the reading (epoch ms, sub-ms precision). A stats request can wait behind
   * a backlog of work in the server, so CPU rates are taken over the server's own interval.
   */
  readonly atEpochMs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

export type ToServer = { readonly type: 'stats'; readonly requestId: number; readonly collectGarbage: boolean } | { readonly type: 'stop' };

export type FromServer =
  | { readonly type: 'ready'; readonly port: number }
  | ({ readonly type: 'stats'; readonly requestId: number } & ServerStats);
