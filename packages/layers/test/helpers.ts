import { expect } from "vitest";
import { tensor, type NestedArray, type Tensor } from "@backprop/core";

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
