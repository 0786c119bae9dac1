let counter = 0;

/** A unique name for receipts, subscription ids, topics and queues, so tests never see each other's traffic. */
export function unique(prefix: string): string {
  return `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
}
