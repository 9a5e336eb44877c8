// Seeded randomness. Every random choice in rmgauge derives from the run's seed and a stable key
// (an item key, a purpose), so results do not depend on scheduling order.
import { createHash } from 'node:crypto';

/** A 32-bit seed from any number of parts (seed, purpose, item key...). */
export function seedFrom(...parts: Array<string | number>): number {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  return h.readUInt32LE(0);
}

/** mulberry32: small, fast, good enough for sampling and bootstrap. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function rngFor(...parts: Array<string | number>): () => number {
  return mulberry32(seedFrom(...parts));
}

/** Fisher-Yates shuffle of a copy. */
export function shuffled<T>(values: readonly T[], rand: () => number): T[] {
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
