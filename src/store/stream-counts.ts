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
}

export const emptyCounts = (): StreamCounts => ({ read: 0, inserted: 0, updated: 0, unchanged: 0, duplicate: 0, rejected: 0, rejectedByKind: {} });
