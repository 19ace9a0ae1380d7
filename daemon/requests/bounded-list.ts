/** The last `capacity` items pushed, oldest first: a ring that never shifts. */
export class BoundedList<T> {
  private readonly items: (T | undefined)[];
  private next = 0;
  private count = 0;

  constructor(private readonly capacity: number) {
    this.items = new Array(Math.max(0, capacity));
  }

  push(item: T): void {
    if (this.capacity <= 0) return;
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Up to `limit` newest items that pass `accept`, oldest first. */
  last(limit: number, accept: (item: T) => boolean = () => true): T[] {
    const found: T[] = [];
    for (let step = 1; step <= this.count && found.length < limit; step++) {
      const item = this.items[(this.next - step + this.capacity) % this.capacity] as T;
      if (accept(item)) found.push(item);
    }
    return found.reverse();
  }

  /** The newest item that passes `accept`. */
  find(accept: (item: T) => boolean): T | undefined {
    return this.last(1, accept)[0];
  }
}
