/**
 * Failed sign-ins per client address: after MAX_FAILURES within WINDOW_MS the address
 * waits until the window ends. A success clears its count. The map is bounded, so a
 * flood from many addresses cannot grow memory without limit.
 */

const MAX_FAILURES = 5;
const WINDOW_MS = 60_000;
const MAX_CLIENTS = 10_000;

export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** 0 when the client may try now, else how long it must wait. */
  retryAfterMs(client: string): number {
    const f = this.failures.get(client);
    if (!f) return 0;
    const left = f.since + WINDOW_MS - this.now();
    if (left <= 0) {
      this.failures.delete(client);
      return 0;
    }
    return f.count >= MAX_FAILURES ? left : 0;
  }

  failed(client: string): void {
    const f = this.failures.get(client);
    if (f) f.count++;
    else {
      if (this.failures.size >= MAX_CLIENTS) this.failures.delete(this.failures.keys().next().value!);
      this.failures.set(client, { count: 1, since: this.now() });
    }
  }

  succeeded(client: string): void {
    this.failures.delete(client);
  }
}
