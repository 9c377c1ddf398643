import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoServerError, type Collection, type Db } from 'mongodb';

/**
 * `_proofline_leases`: one writer per pipeline stream, across processes and hosts (two
 * CronJob pods, the monitor and a manual `sync`). A lease has an owner (host, pid, run
 * id), a heartbeat and an expiry; a crashed owner stops heartbeating and is taken over
 * once its lease expires, or at once by a run on the same host that sees its process gone.
 *
 * Why generations instead of one document updated in place: the only write FerretDB v1
 * makes atomic under concurrency is an insert against the unique `_id` (its updates and
 * findAndModify read, then write, without a lock). So each acquisition inserts the next
 * generation `<key>#<n+1>`: of two runs racing for the same n+1 exactly one insert
 * succeeds, and the highest generation is the owner. The winner then removes older
 * generations, so the collection holds about one document per stream. The same
 * discipline is atomic on MongoDB and DocumentDB.
 *
 * Expiry compares `expiresAt` with the local clock: hosts that share a database need
 * synchronised clocks (NTP), as with any lease; keep the ttl well above clock skew.
 */

export const LEASES_COLLECTION = '_proofline_leases';

export interface LeaseOwner {
  host: string;
  pid: number;
  runId: string;
}

export interface LeaseDoc {
  _id: string;
  key: string;
  generation: number;
  owner: LeaseOwner;
  acquiredAt: Date;
  heartbeatAt: Date;
  expiresAt: Date;
  released?: boolean;
  /** The owner whose expired lease this one took over, for the record. */
  tookOverFrom?: LeaseOwner;
}

export function leaseKey(pipeline: string, stream: string): string {
  return `${pipeline}/${stream}`;
}

/** The host a lease names: the hostname (a pod's name in Kubernetes), or PROOFLINE_LEASE_HOST. */
export function leaseHost(): string {
  return process.env.PROOFLINE_LEASE_HOST || hostname();
}

export function currentOwner(runId: string): LeaseOwner {
  return { host: leaseHost(), pid: process.pid, runId };
}

/** An owner on this host whose process is gone crashed: no need to wait for its expiry. */
function ownerGone(owner: LeaseOwner): boolean {
  if (owner.host !== leaseHost() || owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** "already running (owner host pid 123 run R, since T)": what the losing run prints. */
export function describeHolder(holder: LeaseDoc): string {
  const o = holder.owner;
  return `already running (owner ${o.host} pid ${o.pid} run ${o.runId}, since ${holder.acquiredAt.toISOString()}, lease expires ${holder.expiresAt.toISOString()} unless renewed)`;
}

export type AcquireResult = { acquired: true; lease: Lease } | { acquired: false; holder: LeaseDoc };

function leases(db: Db): Collection<LeaseDoc> {
  return db.collection<LeaseDoc>(LEASES_COLLECTION);
}

async function latest(coll: Collection<LeaseDoc>, key: string): Promise<LeaseDoc | null> {
  return coll.find({ key }).sort({ generation: -1 }).limit(1).next();
}

const isDuplicateKey = (e: unknown): boolean => e instanceof MongoServerError && e.code === 11000;

export function isLive(doc: LeaseDoc, now: Date): boolean {
  return !doc.released && doc.expiresAt.getTime() > now.getTime();
}

/** One attempt: take the lease if it is free, released or expired. */
export async function tryAcquireLease(db: Db, key: string, owner: LeaseOwner, ttlMs: number, now = new Date()): Promise<AcquireResult> {
  const coll = leases(db);
  const top = await latest(coll, key);
  if (top && isLive(top, now) && !ownerGone(top.owner)) return { acquired: false, holder: top };
  const generation = (top?.generation ?? 0) + 1;
  const doc: LeaseDoc = {
    _id: `${key}#${generation}`,
    key,
    generation,
    owner,
    acquiredAt: now,
    heartbeatAt: now,
    expiresAt: new Date(now.getTime() + ttlMs),
    ...(top && !top.released ? { tookOverFrom: top.owner } : {}),
  };
  try {
    await coll.insertOne(doc);
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
    const winner = await latest(coll, key);
    if (winner) return { acquired: false, holder: winner };
    throw e;
  }
  // A run that paused between reading generation n and inserting n+1 may insert a
  // generation that was already superseded and cleaned up: the highest generation wins.
  const after = await latest(coll, key);
  if (after && after.generation > generation) {
    await coll.deleteOne({ _id: doc._id });
    return { acquired: false, holder: after };
  }
  await coll.deleteMany({ key, generation: { $lt: generation } });
  return { acquired: true, lease: new Lease(db, doc, ttlMs) };
}

export interface AcquireOptions {
  ttlMs: number;
  /** How long to wait for a held lease; 0 returns at once. */
  waitMs: number;
  signal?: AbortSignal;
  /** Called once when a wait starts, with the current holder. */
  onWait?: (holder: LeaseDoc) => void;
}

/** Acquire, waiting up to `waitMs` for the holder to finish or its lease to expire. */
export async function acquireLease(db: Db, key: string, owner: LeaseOwner, o: AcquireOptions): Promise<AcquireResult> {
  const deadline = Date.now() + o.waitMs;
  const pollMs = Math.max(50, Math.min(1_000, Math.floor(o.ttlMs / 4)));
  let waiting = false;
  for (;;) {
    const r = await tryAcquireLease(db, key, owner, o.ttlMs);
    if (r.acquired || Date.now() >= deadline || o.signal?.aborted) return r;
    if (!waiting) o.onWait?.(r.holder);
    waiting = true;
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
  }
}

/**
 * A held lease: renews itself every ttl/3 and notices when it was lost (its owner paused
 * past the expiry and another run took over), then calls `onLost` so the run stops writing.
 */
export class Lease {
  private timer: NodeJS.Timeout | undefined;
  private lost = false;
  private stopped = false;

  constructor(
    private readonly db: Db,
    readonly doc: LeaseDoc,
    private readonly ttlMs: number,
  ) {}

  keepAlive(onLost: (reason: string) => void): void {
    const every = Math.max(20, Math.floor(this.ttlMs / 3));
    const schedule = (): void => {
      if (this.stopped) return;
      this.timer = setTimeout(tick, every);
      this.timer.unref();
    };
    const tick = (): void => {
      this.renew().then(
        (held) => {
          if (held || this.stopped) return schedule();
          this.lost = true;
          onLost(`lease ${this.doc.key} lost: another run took it over after it expired`);
        },
        // A failed renewal is retried at the next tick; the lease stays valid until it expires.
        schedule,
      );
    };
    schedule();
  }

  /** Extend the expiry; false when a newer generation exists (the lease was taken over). */
  async renew(now = new Date()): Promise<boolean> {
    const coll = leases(this.db);
    const r = await coll.updateOne({ _id: this.doc._id }, { $set: { heartbeatAt: now, expiresAt: new Date(now.getTime() + this.ttlMs) } });
    if (r.matchedCount === 0) return false;
    const top = await latest(coll, this.doc.key);
    return top?.generation === this.doc.generation;
  }

  isLost(): boolean {
    return this.lost;
  }

  async release(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const now = new Date();
    await leases(this.db).updateOne({ _id: this.doc._id }, { $set: { released: true, heartbeatAt: now, expiresAt: now } });
  }
}
