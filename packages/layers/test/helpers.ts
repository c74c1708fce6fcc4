import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect } from "vitest";
import { randn, tensor, type NestedArray, type Random, type Tensor } from "@backprop/core";
import { AddLayer, MulLayer, compareGradients, numericalGradient, type Value } from "../src/index.js";

/** The elements of `x` in row-major order, as a plain array (a copy). */
export function valuesOf(x: Tensor): number[] {
  return x.flatten().toArray() as number[];
}

/** Asserts every element of `actual` within `tol` of `expected` (compared flat: assert the shape separately). */
export function expectClose(actual: Tensor, expected: NestedArray, tol: number): void {
  const got = valuesOf(actual);
  const want = [expected].flat(Infinity as 1) as number[];
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => {
    expect(Math.abs(v - want[i]), `element ${i}: got ${v}, expected ${want[i]}`).toBeLessThanOrEqual(tol);
  });
}

/** A one-hot (N, C) matrix of the labels. */
export function oneHot(labels: readonly number[], classes: number): Tensor {
  return tensor(labels.map((label) => Array.from({ length: classes }, (_, c) => (c === label ? 1 : 0))));
}

/**
 * Backprop against numerical gradients for both inputs of a MulLayer or AddLayer on the loss sum(out * R),
 * with R fixed and random: returns the max |diff| of dx and of dy.
 */
export function checkTwoInputLayer(layer: MulLayer | AddLayer, x: Value, y: Value, rng: Random): { dx: number; dy: number } {
  const out = layer.forward(x, y);
  const R = typeof out === "number" ? rng.normal() : randn(out.shape, rng);
  const loss = (a: Value, b: Value): number => {
    const o = layer.forward(a, b);
    return typeof o === "number" ? o * (R as number) : o.mul(R).sum();
  };
  loss(x, y);
  const [dx, dy] = layer.backward(R);
  // a number input is differentiated through a one-element tensor
  const asTensor = (v: Value): Tensor => (typeof v === "number" ? tensor([v]) : v);
  const unwrap = (v: Value, t: Tensor): Value => (typeof v === "number" ? t.item() : t);
  const numX = numericalGradient((t) => loss(unwrap(x, t), y), asTensor(x));
  const numY = numericalGradient((t) => loss(x, unwrap(y, t)), asTensor(y));
  expect(asTensor(dx).shape).toEqual(asTensor(x).shape);
  expect(asTensor(dy).shape).toEqual(asTensor(y).shape);
  return { dx: compareGradients(asTensor(dx), numX).maxAbsDiff, dy: compareGradients(asTensor(dy), numY).maxAbsDiff };
}

/** The bit patterns of a float64 array's elements, so that -0, NaN and every last bit compare exactly. */
export function bitsOf(x: Float64Array | Tensor): bigint[] {
  const data = x instanceof Float64Array ? Float64Array.from(x) : Float64Array.from(valuesOf(x));
  return Array.from(new BigUint64Array(data.buffer));
}

/** A fresh temporary folder for each test of the calling file, removed after it: call at the top of a describe. */
export function useTempDir(prefix: string): () => string {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `backprop-${prefix}-`));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}
