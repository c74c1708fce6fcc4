import { Random } from "@backprop/core";
import { describe, expect, test } from "vitest";
import { circles, csvPlane, gaussians, generateData, planeSource, regressionSurface, spiral, xor, type PlaneSet } from "../../src/playground/plane-data.js";
import { DEFAULT_SETTINGS } from "../../src/playground/settings.js";

const count = (labels: Int32Array, c: number) => labels.filter((l) => l === c).length;
const point = (x: Float64Array, i: number) => [x[2 * i], x[2 * i + 1]];

describe("spiral", () => {
  test("with noise 0 it is the book's formula: r = i/n, theta = 4j + 4r, x = (r sin theta, r cos theta)", () => {
    const { x, labels } = spiral(4, 3, 0, new Random(0));
    expect(x).toHaveLength(24);
    expect(Array.from(labels)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    // computed by hand (Python's math.sin and math.cos): class j, point i of 4 is row 4j + i
    expect(point(x, 0)).toEqual([0, 0]);
    expect(point(x, 3)[0]).toBeCloseTo(0.1058400060449004, 15);
    expect(point(x, 3)[1]).toBeCloseTo(-0.7424943724503341, 15);
    expect(point(x, 6)[0]).toBeCloseTo(-0.13970774909946293, 15);
    expect(point(x, 6)[1]).toBeCloseTo(0.480085143325183, 15);
    expect(point(x, 9)[0]).toBeCloseTo(0.10302962131043915, 15);
    expect(point(x, 9)[1]).toBeCloseTo(-0.22778256547116923, 15);
  });

  test("the book's 100 per class, 3 classes, noise 0.2: labels balanced; noise turns theta only, so |x| = i/n", () => {
    const { x, labels } = spiral(100, 3, 0.2, new Random(1));
    expect(labels).toHaveLength(300);
    for (const c of [0, 1, 2]) expect(count(labels, c)).toBe(100);
    for (let row = 0; row < 300; row++) expect(Math.hypot(...point(x, row))).toBeCloseTo((row % 100) / 100, 12);
    // and it does turn it: not the noise-free point
    const clean = spiral(100, 3, 0, new Random(1)).x;
    expect(x.filter((v, k) => v !== clean[k]).length).toBeGreaterThan(500);
  });

  test("the same seed gives the same bits, another seed other points", () => {
    const a = spiral(100, 3, 0.2, new Random("7/data")).x;
    expect(spiral(100, 3, 0.2, new Random("7/data")).x).toEqual(a);
    const b = spiral(100, 3, 0.2, new Random("8/data")).x;
    expect(b.filter((v, k) => v !== a[k]).length).toBeGreaterThan(500);
  });
});

describe("the other sets", () => {
  test("circles: 2 x n points, class 0 in the disc of radius 0.5, class 1 in the ring 0.7..1 (noise 0)", () => {
    const { x, labels } = circles(200, 0, new Random(0));
    expect(x).toHaveLength(800);
    expect([count(labels, 0), count(labels, 1)]).toEqual([200, 200]);
    for (let i = 0; i < 400; i++) {
      const r = Math.hypot(...point(x, i));
      if (labels[i] === 0) expect(r).toBeLessThanOrEqual(0.5);
      else expect(r >= 0.7 && r <= 1).toBe(true);
    }
  });

  test("xor: class 0 where x1 x2 > 0, class 1 where < 0, each quadrant a quarter, 0.05 from the axes (noise 0)", () => {
    const { x, labels } = xor(100, 0, new Random(0));
    expect([count(labels, 0), count(labels, 1)]).toEqual([100, 100]);
    const quadrants = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const [x1, x2] = point(x, i);
      expect(Math.min(Math.abs(x1), Math.abs(x2))).toBeGreaterThanOrEqual(0.05);
      expect(Math.max(Math.abs(x1), Math.abs(x2))).toBeLessThanOrEqual(1);
      expect(labels[i]).toBe(x1 * x2 > 0 ? 0 : 1);
      const q = `${Math.sign(x1)},${Math.sign(x2)}`;
      quadrants.set(q, (quadrants.get(q) ?? 0) + 1);
    }
    expect(Object.fromEntries(quadrants)).toEqual({ "1,1": 50, "-1,-1": 50, "1,-1": 50, "-1,1": 50 });
  });

  test("gaussians: blobs at (-0.5, -0.5) and (0.5, 0.5) of std 0.1 + 0.4 noise", () => {
    const n = 4000;
    const { x, labels } = gaussians(n, 0.5, new Random(0));
    expect([count(labels, 0), count(labels, 1)]).toEqual([n, n]);
    for (const c of [0, 1]) {
      const values = Array.from(x.subarray(2 * n * c, 2 * n * (c + 1)));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      expect(mean).toBeCloseTo(c === 0 ? -0.5 : 0.5, 1);
      expect(std).toBeCloseTo(0.3, 1);
    }
  });

  test("regression: n points in [-1, 1]^2 with target sin(pi x1) cos(pi x2) (noise 0)", () => {
    const { x, targets } = regressionSurface(300, 0, new Random(0));
    expect(targets).toHaveLength(300);
    for (let i = 0; i < 300; i++) {
      const [x1, x2] = point(x, i);
      expect(Math.max(Math.abs(x1), Math.abs(x2))).toBeLessThanOrEqual(1);
      expect(targets[i]).toBe(Math.sin(Math.PI * x1) * Math.cos(Math.PI * x2));
    }
    const noisy = regressionSurface(300, 1, new Random(0));
    expect(noisy.x).toEqual(x);
    expect(noisy.targets).not.toEqual(targets);
  });
});

/** The rows of a set as sortable text, to compare sets as sets. */
const rowsOf = (set: PlaneSet) => Array.from({ length: set.length }, (_, i) => `${point(set.x, i)}|${set.labels?.[i] ?? set.targets?.[i]}`);

describe("generateData", () => {
  test("the book's spiral splits 300 points 240/60, seeded; together they are the generated set", () => {
    const data = generateData(DEFAULT_SETTINGS);
    expect([data.train.length, data.test.length, data.task, data.classes, data.extent]).toEqual([240, 60, "classification", 3, 1.2]);
    const all = spiral(100, 3, 0.2, new Random("0/data"));
    const whole: PlaneSet = { x: all.x, labels: all.labels, targets: null, length: 300 };
    expect([...rowsOf(data.train), ...rowsOf(data.test)].sort()).toEqual(rowsOf(whole).sort());
    expect(generateData(DEFAULT_SETTINGS)).toEqual(data);
    expect(generateData({ ...DEFAULT_SETTINGS, seed: 1 }).train.x).not.toEqual(data.train.x);
  });

  test("each set's size, classes and split", () => {
    const sizes = (dataset: typeof DEFAULT_SETTINGS.dataset, extra = {}) => {
      const d = generateData({ ...DEFAULT_SETTINGS, dataset, ...extra });
      return [d.train.length, d.test.length, d.task, d.classes];
    };
    expect(sizes("spiral", { classes: 5, points: 50, testRatio: 0.5 })).toEqual([125, 125, "classification", 5]);
    expect(sizes("circles")).toEqual([160, 40, "classification", 2]);
    expect(sizes("xor", { testRatio: 0.1 })).toEqual([180, 20, "classification", 2]);
    expect(sizes("gaussians", { points: 250 })).toEqual([400, 100, "classification", 2]);
    expect(sizes("regression", { points: 500 })).toEqual([400, 100, "regression", 0]);
    const r = generateData({ ...DEFAULT_SETTINGS, dataset: "regression" });
    expect([r.train.labels, r.train.targets?.length]).toEqual([null, 80]);
  });

  test("csv splits the table's rows; without one it is an error", () => {
    const text = ["a,b,label", ...Array.from({ length: 10 }, (_, i) => `${i},${i * i},${i % 2 ? "odd" : "even"}`)].join("\n");
    const d = generateData({ ...DEFAULT_SETTINGS, dataset: "csv", testRatio: 0.3 }, csvPlane(text));
    expect([d.train.length, d.test.length, d.classes]).toEqual([7, 3, 2]);
    expect(() => generateData({ ...DEFAULT_SETTINGS, dataset: "csv" })).toThrow(/generateData: the csv data set needs the table csvPlane read/);
  });

  test("planeSource gives x (n, 2) and t: class indices (n) or targets (n, 1)", () => {
    const d = generateData(DEFAULT_SETTINGS);
    const { x, t } = planeSource(d.train).batch([5, 0]);
    expect([x.shape, t.shape]).toEqual([[2, 2], [2]]);
    expect(x.toArray()).toEqual([point(d.train.x, 5), point(d.train.x, 0)]);
    expect(t.toArray()).toEqual([d.train.labels?.[5], d.train.labels?.[0]]);
    expect(planeSource(d.test).slice(0, 60).x.shape).toEqual([60, 2]);
    const r = generateData({ ...DEFAULT_SETTINGS, dataset: "regression" });
    expect(planeSource(r.train).batch([1]).t.toArray()).toEqual([[r.train.targets?.[1]]]);
  });
});

describe("csvPlane", () => {
  test("text labels are classes in first-seen order; features scaled to [-1, 1] by min and max", () => {
    const plane = csvPlane("x,y,kind\n0,10,cat\n5,30,dog\n10,20,cat\n");
    expect(plane.names).toEqual(["cat", "dog"]);
    expect(plane.classes).toBe(2);
    expect(Array.from(plane.labels ?? [])).toEqual([0, 1, 0]);
    expect(Array.from(plane.x)).toEqual([-1, -1, 0, 1, 1, 0]);
    expect(plane.targets).toBeNull();
  });

  test("integer labels are classes too; a target column named moves the features", () => {
    const plane = csvPlane("c,x,y\n2,1,1\n0,2,3\n2,3,5\n", "c");
    expect([plane.names, Array.from(plane.labels ?? [])]).toEqual([["2", "0"], [0, 1, 0]]);
    expect(Array.from(plane.x)).toEqual([-1, -1, 0, 0, 1, 1]);
  });

  test("a number column not all integers is regression, the targets as written", () => {
    const plane = csvPlane("x,y,z\n0,0,1.5\n1,2,-2\n2,4,3\n");
    expect([plane.labels, plane.classes, plane.names]).toEqual([null, 0, []]);
    expect(Array.from(plane.targets ?? [])).toEqual([1.5, -2, 3]);
  });

  test("bad tables are one-line errors naming the line and column", () => {
    expect(() => csvPlane("x,y,label\n1,2,a\n3,4,b\nabc,5,a\n")).toThrow(/^csvPlane: line 4: column x is not a number, got 'abc'$/);
    expect(() => csvPlane("x,y,label\n1,2,a\n3,,b\n")).toThrow(/^csvPlane: line 3: column y is not a number, got ''$/);
    expect(() => csvPlane("x,y\n1,2\n3,4\n")).toThrow(/^csvPlane: expected 3 columns \(two features and a label or target\), got 2 \(x, y\)$/);
    expect(() => csvPlane("x,y,label\n1,2,a\n3,4,a\n")).toThrow(/^csvPlane: column label holds one class \('a'\), expected 2 to 10$/);
    expect(() => csvPlane("x,y,label\n1,2,a\n3,4,b\n", "z")).toThrow(/^csvPlane: there is no column z, expected one of x, y, label$/);
    expect(() => csvPlane("x,y,label\n1,2,a\n")).toThrow(/^csvPlane: expected at least 2 rows of data, got 1$/);
    expect(() => csvPlane("x,y,label\n1,2,a\n3,4\n")).toThrow(/^csvPlane: line 3 has 2 values, expected 3/);
  });
});
