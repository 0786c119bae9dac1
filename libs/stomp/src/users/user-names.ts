/**
 * Every user name the registry knows, counted once per holder (this instance's sessions, and each
 * other instance's): a name is online while some holder has it. Answers `has` and `size` in O(1),
 * and notes when a name comes or goes, which is what presence (`changes$`) reports.
 */
export class UserNames {
  private readonly holders = new Map<string, number>();
  private cameOrWent = false;

  get size(): number {
    return this.holders.size;
  }

  has(name: string): boolean {
    return this.holders.has(name);
  }

  names(): IterableIterator<string> {
    return this.holders.keys();
  }

  /** One more holder has `name`. */
  retain(name: string): void {
    const count = this.holders.get(name) ?? 0;
    this.holders.set(name, count + 1);
    if (count === 0) this.cameOrWent = true;
  }

  /** One holder no longer has `name`. */
  release(name: string): void {
    const count = this.holders.get(name);
    if (count === undefined) return;
    if (count > 1) this.holders.set(name, count - 1);
    else {
      this.holders.delete(name);
      this.cameOrWent = true;
    }
  }

  /** Whether a name came or went since the last call. */
  takeChange(): boolean {
    const changed = this.cameOrWent;
    this.cameOrWent = false;
    return changed;
  }
}
