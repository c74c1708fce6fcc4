import seedrandom from "seedrandom";

/** Everything needed to continue a `Random` exactly where it stopped. */
export interface RandomState {
  prng: seedrandom.State.Alea;
  spare: number | null;
}

/**
 * A seeded random generator (seedrandom's Alea): the same seed gives the same sequence, bit for bit.
 * Nothing in backprop uses Math.random.
 */
export class Random {
  private prng: seedrandom.StatefulPRNG<seedrandom.State.Alea>;
  // Box-Muller makes normals in pairs; the second waits here
  private spare: number | null = null;

  constructor(seed: number | string, state?: RandomState) {
    this.prng = seedrandom.alea(String(seed), { state: state ? state.prng : true });
    if (state) this.spare = state.spare;
  }

  /** A float in [0, 1) with 53 random bits. */
  random(): number {
    return this.prng.double();
  }

  /** A sample of the standard normal distribution. */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = 1 - this.random(); // in (0, 1], so the log is finite
    const u2 = this.random();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Random.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.random() * n);
  }

  /** 0 .. n-1 in random order (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffle(out);
    return out;
  }

  /** Shuffles `items` in place (Fisher-Yates). */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** `size` integers drawn from [0, n) with replacement, as NumPy's `random.choice(n, size)`. */
  choice(n: number, size: number): Int32Array {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Random.choice: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`Random.choice: size must be a non-negative integer, got ${size}`);
    const out = new Int32Array(size);
    for (let i = 0; i < size; i++) out[i] = this.int(n);
    return out;
  }

  /** The generator's state (a copy), to resume it later with `restore` or `new Random(seed, state)`. */
  state(): RandomState {
    return { prng: this.prng.state(), spare: this.spare };
  }

  /** Continues from `state` in place, so that every holder of this generator sees it. */
  restore(state: RandomState): void {
    this.prng = seedrandom.alea("", { state: state.prng });
    this.spare = state.spare;
  }
}
