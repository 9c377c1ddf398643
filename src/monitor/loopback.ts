import { isIP } from 'node:net';

/** Whether a bound address is reachable from this machine only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (a === 'localhost' || a === '::1') return true;
  if (isIP(a) === 4) return a.startsWith('127.');
  // ::ffff:127.0.0.1, an IPv4 loopback address in IPv6 form.
  return a.startsWith('::ffff:127.');
}
