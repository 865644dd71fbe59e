/** The time a coordinator request may use, so that every call it starts ends inside it. */
export class Deadline {
  constructor(readonly endMs: number) {}

  /** Milliseconds left before the deadline. */
  remainingMs(): number {
    return this.endMs - Date.now();
  }

  /** Returns true when work that takes up to `ms` milliseconds and starts now ends before the deadline. */
  allows(ms: number): boolean {
    return Date.now() + ms <= this.endMs;
  }
}
