// A curation summary shaped as `rmgauge curate --summary` writes it, with hostile text, shared by
// the report's unit and browser tests.

export const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';

/** A summary shaped as curatePairs returns it, with hostile text in the places a user controls. */
export function curationSummary(): Record<string, unknown> {
  return {
    data: `/data/prefs-${HOSTILE}.jsonl`,
    out: '/data/curated.jsonl',
    model: 'ensemble:duo.yaml',
    members: ['a', `b${HOSTILE}`],
    rows: 13,
    scored: 10,
    written: 8,
    flipped: 2,
    dropped: 2,
    malformed: 2,
    failed: 1,
    problems: [
      { pos: 4, problem: `invalid JSON near ${HOSTILE}`, kind: 'malformed' },
      { pos: 8, field: 'rejected', problem: 'missing', kind: 'malformed' },
      { pos: 13, field: 'score', problem: 'no score for id "zz"', kind: 'failed' },
    ],
    problems_truncated: false,
    bands: {
      mislabeled: { count: 2, action: 'flip', written: 2, mu_min: -2, mu_max: -2 },
      ambiguous: { count: 2, action: 'drop', written: 0, mu_min: 0, mu_max: 0 },
      clear: { count: 5, action: 'keep', written: 5, mu_min: 1, mu_max: 3 },
      very_easy: { count: 1, action: 'keep', written: 1, mu_min: 9, mu_max: 9 },
    },
    cutoffs: { mode: 'quantile', cuts: [0.2, 0.4, 0.9] },
    agreement: {
      pairs: 10,
      all_members_prefer_chosen: 0.6,
      all_members_prefer_rejected: 0.2,
      members_split: 0.2,
      member_prefers_chosen: { a: 0.7, [`b${HOSTILE}`]: 0.7 },
      pairwise_sign_agreement: { [`a|b${HOSTILE}`]: 0.8 },
      mean_sigma: 0.45,
    },
    seconds: 0.01,
  };
}
