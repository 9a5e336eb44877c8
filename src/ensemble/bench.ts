// Members and ensemble side by side in `rmgauge bench`: one call runs the ensemble, then each
// member as its own model (`ensemble:<spec>#<member>`, answered from the member rewards the
// ensemble already computed, so nothing is recomputed), and writes side-by-side.json (agreement,
// items where all members are wrong) into the ensemble's run folder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runModel, type RunOptions } from '../run/runner.js';
import type { RunJson } from '../run/run-files.js';
import { createScorer } from '../scorers/registry.js';
import { sideBySideFromRuns } from './agreement.js';
import { isEnsembleScorer } from './ensemble.js';

export const SIDE_BY_SIDE_FILE = 'side-by-side.json';

/**
 * Runs `plan` (whose config.model is `ensemble:<spec>`) and its members. Member runs go beside the
 * ensemble's, in `memberDir(label)` (default: `<runDir>.<member>`). Returns every run, ensemble first.
 */
export async function runEnsembleWithMembers(
  plan: Omit<RunOptions, 'scorer'>,
  memberDir: (label: string, member: string) => string = (_label, member) => `${plan.runDir}.${member}`,
): Promise<Array<{ dir: string; run: RunJson }>> {
  const scorer = await createScorer(plan.config.model, plan.scorerOptions);
  try {
    if (!isEnsembleScorer(scorer)) return [{ dir: plan.runDir, run: await runModel({ ...plan, scorer }) }];
    // Views first: from now on the ensemble remembers its members' rewards for them.
    const views = scorer.memberScorers();
    const runs = [{ dir: plan.runDir, run: await runModel({ ...plan, scorer }) }];
    const members: Array<{ label: string; dir: string }> = [];
    for (const [i, view] of views.entries()) {
      const dir = memberDir(view.info.label, scorer.members[i].name);
      const run = await runModel({ ...plan, runDir: dir, config: { ...plan.config, model: view.info.spec }, scorer: view });
      runs.push({ dir, run });
      members.push({ label: scorer.members[i].name, dir });
    }
    const table = sideBySideFromRuns(plan.runDir, members);
    writeFileSync(join(plan.runDir, SIDE_BY_SIDE_FILE), JSON.stringify({ ensemble: scorer.info.label, members: members.map((m) => m.label), suites: table }, null, 2) + '\n');
    return runs;
  } finally {
    await scorer.close?.();
  }
}
