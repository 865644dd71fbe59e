/**
 * Word counts that may outgrow one Map: V8 caps a Map at 2^24 (16,777,216) entries, and a
 * range of random text can hold more distinct words than that. Words are spread over 64
 * Maps by a hash of their characters, which lifts the limit to about 2^30 entries.
 */

const SHARDS = 64;

/** The operations on word counts that both Map and CountMap provide. */
export interface Counts extends Iterable<[string, number]> {
  readonly size: number;
  get(word: string): number | undefined;
  set(word: string, count: number): unknown;
}

export class CountMap implements Counts {
  private readonly shards: Map<string, number>[] = Array.from({ length: SHARDS }, () => new Map());

  get size(): number {
    let size = 0;
    for (const shard of this.shards) size += shard.size;
    return size;
  }

  get(word: string): number | undefined {
    return this.shardOf(word).get(word);
  }

  set(word: string, count: number): this {
    this.shardOf(word).set(word, count);
    return this;
  }

  *[Symbol.iterator](): Iterator<[string, number]> {
    for (const shard of this.shards) yield* shard;
  }

  private shardOf(word: string): Map<string, number> {
    let hash = word.length;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193);
    return this.shards[(hash >>> 0) % SHARDS];
  }
}
