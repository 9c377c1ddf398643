import { stackUp } from '../src/stack/stack.js';

/**
 * Integration tests run against the real local stack. `.ci/run` brings it up first;
 * this makes a plain `npx vitest` work too (stack up is idempotent and fast when up).
 */
export default async function setup(): Promise<void> {
  if (process.env.PROOFLINE_TEST_NO_STACK === '1') return;
  await stackUp({ log: (m) => process.stderr.write(`[stack] ${m}\n`) });
}
