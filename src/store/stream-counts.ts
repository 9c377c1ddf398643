/** What one stream of one run did with the records it read: the reconciliation's terms. */
export interface StreamCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Records of this run whose primary key another record of the same run won (see sync/in-run-duplicates.ts). */
  duplicate: number;
  rejected: number;
  /** Rejected records counted by failure rule (a record failing two rules counts once in each). */
  rejectedByKind: Record<string, number>;
  /**
   * A failed run only: records read that the server never acknowledged (the database
   * stopped answering before they were written). The state was not saved past them, so
   * the next run reads them again. Absent when 0.
   */
  unwritten?: number;
}

export const emptyCounts = (): StreamCounts => ({ read: 0, inserted: 0, updated: 0, unchanged: 0, duplicate: 0, rejected: 0, rejectedByKind: {} });

/** The records a stream's counts account for: read = this, in a run that did not fail. */
export const accounted = (c: StreamCounts): number => c.inserted + c.updated + c.unchanged + c.duplicate + c.rejected + (c.unwritten ?? 0);

/** The counts of a stream that failed: whatever was read and never acknowledged is counted `unwritten`, so the run still balances. */
export function withUnwritten(c: StreamCounts): StreamCounts {
  const short = c.read - accounted(c);
  return short > 0 ? { ...c, unwritten: (c.unwritten ?? 0) + short } : c;
}
