import { Random } from '../../src/app/screen/random.js';

/**
 * The fuzzer's seeded generator: the project's one mulberry32 (src/app/screen/random.ts), so
 * a fuzz run, a smoke test or a reported finding can be replayed from its seed. Not for
 * anything cryptographic.
 */
export class Rng {
  private readonly random: Random;

  constructor(seed: number) {
    this.random = new Random(seed);
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    return this.random.next() * 0x1_0000_0000;
  }

  /** An integer in [0, n); 0 when n <= 0. */
  below(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.random.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: no items');
    return items[this.below(items.length)]!;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}
