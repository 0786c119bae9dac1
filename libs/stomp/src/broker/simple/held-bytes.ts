/** The bytes the embedded broker holds for queues (waiting and unacknowledged messages), against `maxQueuedBytes`. */
export class HeldBytes {
  private held = 0;

  constructor(readonly max: number) {}

  get bytes(): number {
    return this.held;
  }

  fits(size: number): boolean {
    return this.held + size <= this.max;
  }

  add(size: number): void {
    this.held += size;
  }

  release(size: number): void {
    this.held -= size;
  }
}
