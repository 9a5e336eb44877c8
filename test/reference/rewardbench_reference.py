"""An independent re-implementation of the RewardBench scoring arithmetic with numpy semantics,
used only to cross-check rmgauge's TypeScript metrics on synthetic data.

usage: python3 rewardbench_reference.py rb2|rb1 data.jsonl scores.jsonl [weights.json]
Prints {"score": ..., "subsets": {...}, "sections": {...}} (NaN printed as null).
"""
import json
import sys
from collections import defaultdict

import numpy as np

np.seterr(all="ignore")


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def group_stats(samples):
    correct = [s for ok, s in samples if ok]
    incorrect = [s for ok, s in samples if not ok]
    spread = max(correct) - min(correct) if len(correct) > 1 else None
    gap = min(correct) - max(incorrect)
    return gap > 0, spread, gap


def ties_score(rows, scores):
    groups = defaultdict(list)
    for row in rows:
        kind, pid = row["id"].split(":")
        for i, s in enumerate(scores[row["id"]]):
            groups[(kind, int(pid))].append((i < row["num_correct"], s))
    ref, tied = {}, {}
    for (kind, pid), samples in groups.items():
        (ref if kind == "ref" else tied)[pid] = group_stats(samples)
    ref_acc = np.mean([s[0] for s in ref.values()]) if ref else 0.0
    tied_acc = np.mean([s[0] for s in tied.values()]) if tied else 0.0
    both = set(ref) & set(tied)
    spread = np.array([tied[p][1] for p in both], dtype=float)
    gap_t = np.array([tied[p][2] for p in both], dtype=float)
    gap_r = np.array([ref[p][2] for p in both], dtype=float)
    pref = np.mean(gap_t > spread)
    hard = np.mean(np.minimum(gap_r, gap_t) > spread)
    margin = np.nan_to_num(np.tanh(np.minimum(gap_r, gap_t) / spread - 1), nan=0.0)
    return 0.3 * tied_acc + 0.3 * ref_acc + 0.2 * pref + 0.2 * hard + 0.01 * float(np.mean(margin))


def rb2(rows, scores):
    per_subset = defaultdict(list)
    ties = []
    for row in rows:
        if row["subset"] == "Ties":
            ties.append(row)
            continue
        s = np.array(scores[row["id"]])
        m = np.max(s)
        per_subset[row["subset"]].append((1 / np.sum(s == m)) if s[0] == m else 0)
    subsets = {k: float(np.mean(v)) for k, v in per_subset.items()}
    if ties:
        subsets["Ties"] = float(ties_score(ties, scores))
    return {"score": float(np.mean(list(subsets.values()))), "subsets": subsets}


def rb1(rows, scores, weights):
    per_subset = defaultdict(list)
    for row in rows:
        s = scores[str(row["id"])]
        per_subset[row["subset"]].append(1 if s[0] > s[1] else 0)
    subsets = {k: float(np.mean(v)) for k, v in per_subset.items()}
    sections = {}
    for section, table in weights.items():
        num = sum(subsets[k] * w for k, w in table.items() if k in subsets)
        den = sum(w for k, w in table.items() if k in subsets)
        if den > 0:
            sections[section] = num / den
    return {"score": float(np.mean(list(sections.values()))), "subsets": subsets, "sections": sections}


def main():
    mode, data, score_file = sys.argv[1:4]
    rows = load(data)
    scores = {str(r["id"]): r["scores"] for r in load(score_file)}
    if mode == "rb2":
        out = rb2(rows, scores)
    else:
        out = rb1(rows, scores, json.load(open(sys.argv[4]))["params"]["sections"])
    print(json.dumps(out, allow_nan=True).replace("NaN", "null"))


if __name__ == "__main__":
    main()
