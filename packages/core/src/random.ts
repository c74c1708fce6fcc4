import seedrandom from "seedrandom";
import { formatValue } from "./errors.js";

// permutation and choice give Int32Arrays, whose values reach 2^31 - 1: indices into at most 2^31 items
const MAX_ITEMS = 2 ** 31;

function checkIndexRange(where: string, n: number): void {
  if (n > MAX_ITEMS) throw new RangeError(`${where}: n must be at most 2^31 = ${MAX_ITEMS} (the indices are int32), got ${n}`);
}

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

  /** `seed`: a safe integer or a non-empty string (42 and "42" give the same sequence). */
  constructor(seed: number | string, state?: RandomState) {
    const valid = typeof seed === "string" ? seed !== "" : Number.isSafeInteger(seed);
    if (!valid) throw new RangeError(`Random: seed must be an integer or a non-empty string, got ${formatValue(seed)}`);
    if (state !== undefined) Random.checkState(state, "Random", "state");
    this.prng = seedrandom.alea(String(seed), { state: state ? state.prng : true });
    if (state) this.spare = state.spare;
  }

  /**
   * Throws a RangeError, `<where>: <name>.prng.s0 must be a number in [0, 1), got 2`, unless `state` is a state as
   * `state()` gives: Alea's integer carry c >= 0 and three seeds s0 s1 s2 in [0, 1), and a spare normal or null.
   */
  static checkState(state: unknown, where = "Random.restore", name = "state"): asserts state is RandomState {
    const fail = (what: string, got: unknown): never => {
      throw new RangeError(`${where}: ${what}, got ${formatValue(got)}`);
    };
    if (state === null || typeof state !== "object") fail(`${name} must be { prng: { c, s0, s1, s2 }, spare } as Random.state() gives`, state);
    const { prng, spare } = state as { prng?: unknown; spare?: unknown };
    if (prng === null || typeof prng !== "object") fail(`${name}.prng must be { c, s0, s1, s2 } as Random.state() gives`, prng);
    const { c, s0, s1, s2 } = prng as Record<string, unknown>;
    if (!Number.isSafeInteger(c) || (c as number) < 0) fail(`${name}.prng.c must be a non-negative integer`, c);
    for (const [key, s] of Object.entries({ s0, s1, s2 })) {
      if (typeof s !== "number" || !(s >= 0 && s < 1)) fail(`${name}.prng.${key} must be a number in [0, 1)`, s);
    }
    if (spare !== null && !Number.isFinite(spare)) fail(`${name}.spare must be a finite number or null`, spare);
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
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Random.permutation: n must be a non-negative integer, got ${formatValue(n)}`);
    checkIndexRange("Random.permutation", n);
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
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Random.choice: n must be a positive integer, got ${formatValue(n)}`);
    checkIndexRange("Random.choice", n);
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`Random.choice: size must be a non-negative integer, got ${formatValue(size)}`);
    const out = new Int32Array(size);
    for (let i = 0; i < size; i++) out[i] = this.int(n);
    return out;
  }

  /** The generator's state (a copy), to resume it later with `restore` or `new Random(seed, state)`. */
  state(): RandomState {
    return { prng: this.prng.state(), spare: this.spare };
  }

  /** Continues from `state` in place, so that every holder of this generator sees it; a malformed state changes nothing. */
  restore(state: RandomState): void {
    Random.checkState(state);
    this.prng = seedrandom.alea("", { state: state.prng });
    this.spare = state.spare;
  }
}
