import { compareCursor } from '../model/primary-key.js';

/**
 * Records of one run that share a primary key: one of them is the record the run stands
 * for, the others are `duplicate`. The cursor decides (the newest wins); on an equal or
 * absent cursor the record read last wins, as a file appended to over time would say.
 *
 * Duplicates may be batches apart, so the resolver remembers every key seen in the run
 * with the cursor of its current winner: memory grows with the number of distinct keys of
 * one run (about 100 bytes plus the key's length per key, ~150 MB for a million keys),
 * never with the number of records. It is dropped at the end of the run.
 */

export type DuplicateVerdict =
  /** First record of this key in the run. */
  | 'first'
  /** Older than the record already kept: dropped, counted duplicate. */
  | 'loses'
  /** Newer (or equal, read later): replaces the record kept so far, which becomes the duplicate. */
  | 'wins';

export class InRunDuplicates {
  private readonly winners = new Map<string, unknown>();

  judge(id: string, cursor: unknown): DuplicateVerdict {
    if (!this.winners.has(id)) {
      this.winners.set(id, cursor);
      return 'first';
    }
    if (compareCursor(cursor, this.winners.get(id)) < 0) return 'loses';
    this.winners.set(id, cursor);
    return 'wins';
  }

  get keys(): number {
    return this.winners.size;
  }
}
