import { describe, expect, it } from 'vitest';
import { balanced } from '../../../src/sync/summary.js';
import { scratchDatabases } from '../../helpers.js';
import { expectedContent, killPoint, MODES, modeName, runTrial } from './kill-trial.js';

/**
 * Crash safety under attack: in every sync mode, a `proofline sync` SIGKILLed at a seeded
 * moment and then rerun ends with exactly the records of the input — none lost, none
 * stored twice — and the killed run is marked abandoned, not left `running`.
 *
 * 10 trials per mode by default (PROOFLINE_FAULT_TRIALS), seeds from PROOFLINE_FAULT_SEED
 * (default fixed, so CI is reproducible; each trial's seed is in its name to replay it).
 */

const TRIALS = Number(process.env.PROOFLINE_FAULT_TRIALS ?? 10);
const BASE_SEED = Number(process.env.PROOFLINE_FAULT_SEED ?? 20261203);
const scratch = scratchDatabases();
const expected = expectedContent();

for (const mode of MODES) {
  describe(`SIGKILL during ${modeName(mode)}, then rerun`, () => {
    const trials = Array.from({ length: TRIALS }, (_, i) => BASE_SEED + i * 7919);
    it.each(trials.map((seed) => ({ seed, at: killPoint(seed) })))('seed $seed (kill after $at records)', async ({ seed }) => {
      const r = await runTrial(mode, seed, (name) => {
        scratch.dbs.push(name);
        return scratch.client.db(name);
      });
      const replay = `replay: PROOFLINE_FAULT_SEED=${seed} PROOFLINE_FAULT_TRIALS=1`;
      expect(r.killed, `${replay}: the process was killed mid-run, not after it finished`).toBe(true);
      expect(r.rerun.status, replay).toBe('succeeded');
      for (const s of r.rerun.streams) expect(balanced(s), `${replay}: ${JSON.stringify(s)}`).toBe(true);
      // Exactly the input: nothing lost, nothing doubled. (full_refresh + append keeps one
      // copy per completed run: a run killed after closing its copy has completed one.)
      const copies = r.copyClosedBeforeKill ? 2 : 1;
      const want = copies === 1 ? expected : [...expected, ...expected].sort();
      expect(r.content.length, replay).toBe(want.length);
      expect(r.content, replay).toEqual(want);
      expect(r.killedRunStatus, `${replay}: the killed run is not left running`).toBe('abandoned');
    });
  });
}
