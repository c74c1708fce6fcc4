import { describe, expect, it } from "vitest";
import { Random, type RandomState } from "../src/index.js";

// Expected draws below come from an independent Python port of seedrandom's Alea (Baagøe's Mash + Alea,
// double() = next() + floor(next() * 2^21) * 2^-53) and of the Box-Muller / Fisher-Yates steps.

const draws = (r: Random, n: number) => Array.from({ length: n }, () => r.random());

describe("Random: seeding", () => {
  it("gives the Alea sequence of the seed", () => {
    expect(draws(new Random(42), 3)).toEqual([0.6848634964661496, 0.8455933186223463, 0.563738122108285]);
    expect(draws(new Random("hello"), 2)).toEqual([0.8750656816029242, 0.6642807485785496]);
  });

  it("same seed gives bit-identical sequences", () => {
    const a = new Random(123);
    const b = new Random(123);
    const seqA = [...draws(a, 50), a.normal(), a.normal(), a.normal(), a.int(1000)];
    const seqB = [...draws(b, 50), b.normal(), b.normal(), b.normal(), b.int(1000)];
    expect(seqA).toEqual(seqB);
    expect(Float64Array.from(seqA)).toEqual(Float64Array.from(seqB));
  });

  it("a number seed equals its string", () => {
    expect(draws(new Random(42), 5)).toEqual(draws(new Random("42"), 5));
  });

  it("different seeds give different sequences", () => {
    const a = draws(new Random(1), 20);
    const b = draws(new Random(2), 20);
    expect(a.some((v, i) => v !== b[i])).toBe(true);
    expect(a[0]).not.toBe(b[0]);
  });
});

describe("Random.random", () => {
  const values = draws(new Random(99), 20_000);

  it("stays in [0, 1)", () => {
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it("is roughly uniform: mean 0.5 ± 0.01, reaches both ends", () => {
    // the mean of 20,000 U(0, 1) has standard error 0.002, so 0.01 is 5 standard errors
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.min(...values)).toBeLessThan(0.001);
    expect(Math.max(...values)).toBeGreaterThan(0.999);
  });

  it("uses more than 32 bits", () => {
    expect(values.some((v) => !Number.isInteger(v * 2 ** 32))).toBe(true);
  });
});

describe("Random.normal", () => {
  it("gives the Box-Muller pair, cosine first", () => {
    const r = new Random(7);
    // u1 = 1 - random(), u2 = random(); r = sqrt(-2 ln u1); z0 = r cos(2 pi u2), z1 = r sin(2 pi u2)
    expect(r.normal()).toBeCloseTo(0.3637860177325008, 12);
    expect(r.normal()).toBeCloseTo(0.8801395849677033, 12);
  });

  it("uses two uniforms per pair of normals", () => {
    const a = new Random(7);
    a.normal();
    a.normal();
    const b = new Random(7);
    draws(b, 2);
    expect(a.random()).toBe(b.random());
  });

  it("has mean ≈ 0 and std ≈ 1 over 20,000 samples", () => {
    const r = new Random(12345);
    const n = 20_000;
    const z = Array.from({ length: n }, () => r.normal());
    const mean = z.reduce((s, v) => s + v, 0) / n;
    const std = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    // standard errors: 1/sqrt(n) ≈ 0.0071 for the mean, 1/sqrt(2n) = 0.005 for the std; allow about 4-6 of them
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
    // P(|z| < 1) = 0.6827 for N(0, 1); standard error 0.0033
    const within = z.filter((v) => Math.abs(v) < 1).length / n;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.02);
    expect(z.every(Number.isFinite)).toBe(true);
  });
});

describe("Random.int", () => {
  it("is floor(random() * n)", () => {
    const r = new Random(42);
    expect([r.int(10), r.int(10), r.int(10)]).toEqual([6, 8, 5]);
  });

  it("covers [0, n) evenly", () => {
    const r = new Random(5);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const k = r.int(10);
      expect(Number.isInteger(k) && k >= 0 && k < 10).toBe(true);
      counts[k]++;
    }
    // each count is Binomial(10000, 0.1): mean 1000, std 30
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
});

describe("Random.permutation", () => {
  it("is a permutation of 0 .. n-1", () => {
    const p = new Random(1).permutation(100);
    expect(p).toBeInstanceOf(Int32Array);
    expect(p.length).toBe(100);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(p)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("gives the Fisher-Yates order of the seed", () => {
    expect(Array.from(new Random(3).permutation(8))).toEqual([7, 5, 4, 2, 6, 1, 0, 3]);
  });

  it("handles n = 0 and n = 1", () => {
    expect(Array.from(new Random(0).permutation(0))).toEqual([]);
    expect(Array.from(new Random(0).permutation(1))).toEqual([0]);
  });
});

describe("Random.shuffle", () => {
  it("shuffles in place and returns the same object", () => {
    const items = ["a", "b", "c", "d", "e", "f"];
    const out = new Random(8).shuffle(items);
    expect(out).toBe(items);
    expect([...items].sort()).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  it("matches permutation for the same seed", () => {
    const arr = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    new Random(3).shuffle(arr);
    expect(Array.from(arr)).toEqual([7, 5, 4, 2, 6, 1, 0, 3]);
  });

  it("moves every position over many shuffles", () => {
    const r = new Random(4);
    const firsts = new Set<number>();
    for (let i = 0; i < 200; i++) firsts.add(r.shuffle([0, 1, 2, 3, 4])[0]);
    expect([...firsts].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("Random.choice", () => {
  it("draws size integers from [0, n) as an Int32Array", () => {
    const c = new Random(42).choice(10, 6);
    expect(c).toBeInstanceOf(Int32Array);
    expect(Array.from(c)).toEqual([6, 8, 5, 0, 8, 3]);
  });

  it("draws with replacement, roughly evenly", () => {
    const c = Array.from(new Random(6).choice(2, 2000));
    const ones = c.filter((v) => v === 1).length;
    expect(c.every((v) => v === 0 || v === 1)).toBe(true);
    // Binomial(2000, 0.5): std 22
    expect(Math.abs(ones - 1000)).toBeLessThan(110);
  });

  it("size 0 gives an empty array", () => {
    expect(new Random(0).choice(5, 0).length).toBe(0);
  });
});

describe("Random.restore", () => {
  it("continues in place from a saved state, spare normal included, for every holder of the generator", () => {
    const r = new Random(5);
    r.normal();
    const saved = r.state();
    const holder = { rng: r };
    const expected = [r.normal(), r.random(), r.normal(), r.int(10)];
    r.random();
    r.restore(saved);
    expect([holder.rng.normal(), holder.rng.random(), holder.rng.normal(), holder.rng.int(10)]).toEqual(expected);
  });
});

describe("Random.state", () => {
  it("resumes exactly, including a pending Box-Muller spare", () => {
    const r = new Random(9);
    draws(r, 3);
    r.normal();
    r.normal();
    r.normal(); // odd: the pair's second value waits as the spare
    const saved = r.state();
    expect(saved.spare).not.toBeNull();
    const resumed = new Random(9, saved);
    const next = (g: Random) => [g.normal(), g.normal(), g.random(), g.normal(), g.int(1000), ...draws(g, 5)];
    expect(next(resumed)).toEqual(next(r));
  });

  it("the spare is the next normal", () => {
    const r = new Random(9);
    r.normal();
    const { spare } = r.state();
    expect(r.normal()).toBe(spare);
    expect(r.state().spare).toBeNull();
  });

  it("is a snapshot that later draws do not change", () => {
    const r = new Random(10);
    r.normal();
    const saved = r.state();
    const frozen = JSON.parse(JSON.stringify(saved));
    draws(r, 10);
    r.normal();
    expect(saved).toEqual(frozen);
  });

  it("survives a JSON round trip", () => {
    const r = new Random(11);
    draws(r, 4);
    r.normal();
    const resumed = new Random(11, JSON.parse(JSON.stringify(r.state())));
    expect([resumed.normal(), ...draws(resumed, 5)]).toEqual([r.normal(), ...draws(r, 5)]);
  });

  it("the state, not the seed, decides the continuation", () => {
    const r = new Random(12);
    draws(r, 2);
    const resumed = new Random("something else", r.state());
    expect(draws(resumed, 5)).toEqual(draws(r, 5));
  });

  it("resuming leaves the source generator untouched", () => {
    const r = new Random(13);
    const saved = r.state();
    const resumed = new Random(13, saved);
    draws(resumed, 5);
    expect(draws(r, 3)).toEqual(draws(new Random(13), 3));
  });
});

describe("Random input checks", () => {
  it("refuses an empty or fractional range", () => {
    const rng = new Random(0);
    expect(() => rng.int(0)).toThrow(/^Random\.int: n must be a positive integer, got 0$/);
    expect(() => rng.choice(0, 3)).toThrow(/^Random\.choice: n must be a positive integer, got 0$/);
    expect(() => rng.choice(5, 1.5)).toThrow(/^Random\.choice: size must be a non-negative integer, got 1\.5$/);
  });
});

describe("Random seeds", () => {
  it("are safe integers or non-empty strings", () => {
    expect(draws(new Random(-3), 1)).toEqual(draws(new Random("-3"), 1));
    expect(draws(new Random(Number.MAX_SAFE_INTEGER), 1)).toHaveLength(1);
    expect(draws(new Random("3/batches"), 1)).toHaveLength(1);
  });

  it.each([
    [2.5, "2\\.5"],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    [2 ** 53, "9007199254740992"],
    [undefined, "undefined"],
    [null, "null"],
    ["", '""'],
    [{ seed: 1 }, '\\{"seed":1\\}'],
    [[1], "\\[1\\]"],
  ])("refuses %s", (seed, shown) => {
    const message = new RegExp(`^Random: seed must be an integer or a non-empty string, got ${shown}$`);
    expect(() => new Random(seed as number)).toThrow(message);
    expect(() => new Random(seed as number)).toThrow(RangeError);
  });
});

describe("Random.permutation and choice take whole counts", () => {
  it("refuses a count that is not a non-negative integer", () => {
    const rng = new Random(0);
    expect(() => rng.permutation(2.5)).toThrow(/^Random\.permutation: n must be a non-negative integer, got 2\.5$/);
    expect(() => rng.permutation(-1)).toThrow(/^Random\.permutation: n must be a non-negative integer, got -1$/);
    expect(() => rng.permutation(NaN)).toThrow(/^Random\.permutation: n must be a non-negative integer, got NaN$/);
    expect(() => rng.permutation("3" as unknown as number)).toThrow(/^Random\.permutation: n must be a non-negative integer, got "3"$/);
    expect(() => rng.choice(2.5, 3)).toThrow(/^Random\.choice: n must be a positive integer, got 2\.5$/);
    expect(() => rng.choice(Infinity, 3)).toThrow(/^Random\.choice: n must be a positive integer, got Infinity$/);
  });

  it("refuses more items than int32 indices can count", () => {
    const rng = new Random(0);
    expect(() => rng.permutation(2 ** 31 + 1)).toThrow(/^Random\.permutation: n must be at most 2\^31 = 2147483648 \(the indices are int32\), got 2147483649$/);
    expect(() => rng.choice(2 ** 32, 1)).toThrow(/^Random\.choice: n must be at most 2\^31 = 2147483648 \(the indices are int32\), got 4294967296$/);
  });

  it("a refused call draws nothing", () => {
    const a = new Random(4);
    expect(() => a.permutation(1.5)).toThrow(RangeError);
    expect(draws(a, 3)).toEqual(draws(new Random(4), 3));
  });
});

describe("Random.restore and new Random(seed, state) refuse a state that is not one", () => {
  const good = (): RandomState => new Random(21).state();

  it.each([
    ["null", null, /^Random\.restore: state must be \{ prng: \{ c, s0, s1, s2 \}, spare \} as Random\.state\(\) gives, got null$/],
    ["a number", 3, /^Random\.restore: state must be .* gives, got 3$/],
    ["no prng", { spare: null }, /^Random\.restore: state\.prng must be \{ c, s0, s1, s2 \} as Random\.state\(\) gives, got undefined$/],
    ["a fractional carry", { ...good(), prng: { ...good().prng, c: 1.5 } }, /^Random\.restore: state\.prng\.c must be a non-negative integer, got 1\.5$/],
    ["a seed out of [0, 1)", { ...good(), prng: { ...good().prng, s1: 2 } }, /^Random\.restore: state\.prng\.s1 must be a number in \[0, 1\), got 2$/],
    ["a seed that is a string", { ...good(), prng: { ...good().prng, s0: "0.5" } }, /^Random\.restore: state\.prng\.s0 must be a number in \[0, 1\), got "0\.5"$/],
    ["a NaN seed", { ...good(), prng: { ...good().prng, s2: NaN } }, /^Random\.restore: state\.prng\.s2 must be a number in \[0, 1\), got NaN$/],
    ["a missing spare", { prng: good().prng }, /^Random\.restore: state\.spare must be a finite number or null, got undefined$/],
    ["an infinite spare", { ...good(), spare: Infinity }, /^Random\.restore: state\.spare must be a finite number or null, got Infinity$/],
  ])("%s", (_, state, message) => {
    const rng = new Random(8);
    expect(() => rng.restore(state as unknown as RandomState)).toThrow(message);
    expect(() => rng.restore(state as unknown as RandomState)).toThrow(RangeError);
    // and changes nothing
    expect(draws(rng, 3)).toEqual(draws(new Random(8), 3));
  });

  it("the constructor checks its state the same way", () => {
    expect(() => new Random(1, { ...good(), spare: "x" } as unknown as RandomState)).toThrow(/^Random: state\.spare must be a finite number or null, got "x"$/);
  });

  it("checkState names the caller and the field", () => {
    expect(() => Random.checkState({ prng: {}, spare: null }, "Trainer.restore", "rng")).toThrow(/^Trainer\.restore: rng\.prng\.c must be a non-negative integer, got undefined$/);
    expect(() => Random.checkState(good())).not.toThrow();
  });
});
