import { Random, Tensor, allocate, type DType } from "@backprop/core";
import type { BatchSource } from "@backprop/layers";
import type { CsvPlane } from "./csv-plane.js";
import type { PlaygroundSettings } from "./settings.js";

export { csvPlane, type CsvPlane } from "./csv-plane.js";

/** Points in the plane with class labels (classification) or targets (regression). x: (N, 2), row-major. */
export interface PlaneSet {
  x: Float64Array;
  labels: Int32Array | null;
  targets: Float64Array | null;
  length: number;
}

/** A data set split into train and test; the plane shown is [-extent, extent]^2. classes: 0 for regression. */
export interface PlaneData {
  train: PlaneSet;
  test: PlaneSet;
  task: "classification" | "regression";
  classes: number;
  extent: number;
}

/** The half-width of the plane shown: every generated set lies within [-1, 1]^2 but for its noise. */
export const PLANE_EXTENT = 1.2;
/** circles, xor, gaussians and regression: coordinates (or the target) get noise * NOISE_SCALE * randn(). */
export const NOISE_SCALE = 0.25;

/**
 * The book's spiral (Deep Learning from Scratch 2, dataset/spiral.py load_data): for class j, point i of n (row
 * j * n + i): r = i/n, theta = 4j + 4r + noise * randn(); x = (r sin theta, r cos theta). One randn() per point, in
 * row order, even when noise is 0.
 */
export function spiral(perClass: number, classes: number, noise: number, rng: Random): { x: Float64Array; labels: Int32Array } {
  const x = new Float64Array(perClass * classes * 2);
  const labels = new Int32Array(perClass * classes);
  for (let j = 0; j < classes; j++) {
    for (let i = 0; i < perClass; i++) {
      const r = i / perClass;
      const theta = j * 4 + 4 * r + rng.normal() * noise;
      const row = j * perClass + i;
      x[2 * row] = r * Math.sin(theta);
      x[2 * row + 1] = r * Math.cos(theta);
      labels[row] = j;
    }
  }
  return { x, labels };
}

/**
 * Two classes of `perClass` points each (rows: class 0, then class 1), then noise on both coordinates: class 0 in
 * the disc of radius 0.5, class 1 in the ring 0.7..1 (radius and angle uniform).
 */
export function circles(perClass: number, noise: number, rng: Random): { x: Float64Array; labels: Int32Array } {
  return twoClasses(perClass, noise, rng, (c) => {
    const radius = c === 0 ? 0.5 * rng.random() : 0.7 + 0.3 * rng.random();
    const angle = 2 * Math.PI * rng.random();
    return [radius * Math.cos(angle), radius * Math.sin(angle)];
  });
}

/**
 * XOR: class 0 in the quadrants where x1 * x2 > 0, class 1 where it is < 0 (each point of class c in one of its two
 * quadrants in turn, uniform there but 0.05 away from the axes), then noise on both coordinates.
 */
export function xor(perClass: number, noise: number, rng: Random): { x: Float64Array; labels: Int32Array } {
  let k = 0;
  return twoClasses(perClass, noise, rng, (c) => {
    const s1 = k++ % 2 === 0 ? 1 : -1;
    const s2 = c === 0 ? s1 : -s1;
    return [s1 * (0.05 + 0.95 * rng.random()), s2 * (0.05 + 0.95 * rng.random())];
  });
}

/** Two Gaussian blobs of std 0.1 + 0.4 * noise around (-0.5, -0.5) (class 0) and (0.5, 0.5) (class 1). */
export function gaussians(perClass: number, noise: number, rng: Random): { x: Float64Array; labels: Int32Array } {
  const std = 0.1 + 0.4 * noise;
  return twoClasses(perClass, 0, rng, (c) => {
    const centre = c === 0 ? -0.5 : 0.5;
    return [centre + std * rng.normal(), centre + std * rng.normal()];
  });
}

/** `n` points uniform in [-1, 1]^2 with target sin(pi x1) * cos(pi x2) + noise * NOISE_SCALE * randn(). */
export function regressionSurface(n: number, noise: number, rng: Random): { x: Float64Array; targets: Float64Array } {
  const x = new Float64Array(2 * n);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x1 = 2 * rng.random() - 1;
    const x2 = 2 * rng.random() - 1;
    x[2 * i] = x1;
    x[2 * i + 1] = x2;
    targets[i] = Math.sin(Math.PI * x1) * Math.cos(Math.PI * x2) + noise * NOISE_SCALE * rng.normal();
  }
  return { x, targets };
}

function twoClasses(perClass: number, noise: number, rng: Random, point: (c: number) => [number, number]): { x: Float64Array; labels: Int32Array } {
  const x = new Float64Array(4 * perClass);
  const labels = new Int32Array(2 * perClass);
  for (let row = 0; row < 2 * perClass; row++) {
    const c = row < perClass ? 0 : 1;
    const [x1, x2] = point(c);
    x[2 * row] = x1 + noise * NOISE_SCALE * rng.normal();
    x[2 * row + 1] = x2 + noise * NOISE_SCALE * rng.normal();
    labels[row] = c;
  }
  return { x, labels };
}

/**
 * The settings' data set, generated from new Random(`${seed}/data`) (or the CSV's rows), split by a shuffle from
 * the same generator: order = rng.permutation(N), the test set its last round(testRatio * N) rows (at least 1 and
 * at most N - 1), the training set the others, both in that order.
 */
export function generateData(s: PlaygroundSettings, csv?: CsvPlane): PlaneData {
  const rng = new Random(`${s.seed}/data`);
  const { points: n, noise } = s;
  let all: { x: Float64Array; labels?: Int32Array | null; targets?: Float64Array | null };
  let classes = 2;
  switch (s.dataset) {
    case "spiral":
      all = spiral(n, s.classes, noise, rng);
      classes = s.classes;
      break;
    case "circles":
      all = circles(n, noise, rng);
      break;
    case "xor":
      all = xor(n, noise, rng);
      break;
    case "gaussians":
      all = gaussians(n, noise, rng);
      break;
    case "regression":
      all = regressionSurface(n, noise, rng);
      classes = 0;
      break;
    case "csv":
      if (!csv) throw new RangeError("generateData: the csv data set needs the table csvPlane read, got none");
      all = csv;
      classes = csv.classes;
      break;
    default:
      throw new RangeError(`generateData: unknown data set '${s.dataset}'`);
  }
  const set: PlaneSet = { x: all.x, labels: all.labels ?? null, targets: all.targets ?? null, length: all.x.length / 2 };
  if (set.length < 2) throw new RangeError(`generateData: a split needs at least 2 points, got ${set.length}`);
  const order = rng.permutation(set.length);
  const test = Math.min(set.length - 1, Math.max(1, Math.round(s.testRatio * set.length)));
  const cut = set.length - test;
  return {
    train: rows(set, order.subarray(0, cut)),
    test: rows(set, order.subarray(cut)),
    task: set.labels ? "classification" : "regression",
    classes,
    extent: PLANE_EXTENT,
  };
}

/** The rows `indices` of `set`, in that order. */
export function rows(set: PlaneSet, indices: ArrayLike<number>): PlaneSet {
  const n = indices.length;
  const x = new Float64Array(2 * n);
  const labels = set.labels && new Int32Array(n);
  const targets = set.targets && new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = indices[i];
    x[2 * i] = set.x[2 * row];
    x[2 * i + 1] = set.x[2 * row + 1];
    if (labels) labels[i] = (set.labels as Int32Array)[row];
    if (targets) targets[i] = (set.targets as Float64Array)[row];
  }
  return { x, labels, targets, length: n };
}

/** A BatchSource over a PlaneSet for a Trainer: x (n, 2) and t, class indices (n) or targets (n, 1). */
export function planeSource(set: PlaneSet): BatchSource {
  const batch = (indices: ArrayLike<number>, dtype: DType = "float64"): { x: Tensor; t: Tensor } => {
    const n = indices.length;
    const x = allocate(dtype, 2 * n);
    const t = allocate(dtype, n);
    for (let i = 0; i < n; i++) {
      const row = indices[i];
      if (!Number.isInteger(row) || row < 0 || row >= set.length) throw new RangeError(`planeSource.batch: index ${row} is out of range for ${set.length} points`);
      x[2 * i] = set.x[2 * row];
      x[2 * i + 1] = set.x[2 * row + 1];
      t[i] = set.labels ? set.labels[row] : (set.targets as Float64Array)[row];
    }
    return { x: Tensor.fromData(x, [n, 2]), t: Tensor.fromData(t, set.labels ? [n] : [n, 1]) };
  };
  return {
    length: set.length,
    batch,
    slice: (start, end, dtype) => batch(Int32Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i), dtype),
  };
}
