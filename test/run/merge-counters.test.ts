import { describe, expect, it } from 'vitest';
import { mergeCounters } from '../../src/run/runner.js';

describe('mergeCounters (scorer stats across the sessions of a resumed run)', () => {
  it('sums counters, recursively, and keeps the latest rates and strings', () => {
    const earlier = { requests: 10, cost: 0.5, parse_failure_rate: 0.1, protocols: { pairwise: { calls: 4 } }, server_model: 'a' };
    const latest = { requests: 3, cost: 0.25, parse_failure_rate: 0.3, protocols: { pairwise: { calls: 2 }, kway: { calls: 1 } }, server_model: 'b', cache_hits: 7 };
    expect(mergeCounters(earlier, latest)).toEqual({
      requests: 13,
      cost: 0.75,
      parse_failure_rate: 0.3,
      protocols: { pairwise: { calls: 6 }, kway: { calls: 1 } },
      server_model: 'b',
      cache_hits: 7,
    });
  });
  it('is the latest stats on a first session', () => {
    expect(mergeCounters({}, { requests: 2 })).toEqual({ requests: 2 });
  });
});
