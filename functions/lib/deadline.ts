/**
 * The time a request may use: a coordinator request, so that every call it starts ends inside
 * it, or a map or reduce invocation, so that it stops and hands over before its timeout.
 */
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
