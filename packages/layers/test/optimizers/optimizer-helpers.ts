import { expect } from "vitest";
import { tensor, type NestedArray, type Tensor } from "@backprop/core";
import type { Optimizer } from "../../src/index.js";
import { expectClose } from "../helpers.js";

// The optimizers' expected values were computed in Python, not with the code under test: each book rule written out
// on plain floats and checked bit for bit against the book's common/optimizer.py (NumPy) on the same problem. The
// operations are the same in the same order, so 1e-15 (relative) only allows for a last-bit difference.
export const RELATIVE = 1e-15;

/**
 * Updates on the book's ch06 problem f(x, y) = x^2 / 20 + y^2 from (-7, 2), with x a 0-d tensor and y a 1-element
 * one; before each update the gradients (x / 10, 2 y) are recomputed from the parameters. Returns (x, y) after each.
 */
export function descend(optimizer: Optimizer, steps = 3): number[][] {
  const params = { x: tensor(-7), y: tensor([2]) };
  const path: number[][] = [];
  for (let i = 0; i < steps; i++) {
    optimizer.update(params, { x: params.x.div(10), y: params.y.mul(2) });
    path.push([params.x.item(), params.y.item()]);
  }
  return path;
}

/** Each of (x, y) after each update within RELATIVE of its expectation. */
export function expectPath(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((point, i) =>
    point.forEach((v, j) => {
      const want = expected[i][j];
      expect(Math.abs(v - want), `step ${i + 1}, ${"xy"[j]}: got ${v}, expected ${want}`).toBeLessThanOrEqual(RELATIVE * Math.abs(want));
    }),
  );
}

// The old two-step cases, W (2, 2) and b (2) under fixed gradients, also from the book's optimizer.py in NumPy, to
// 1e-15.
export const params = (): Record<string, Tensor> => ({ W: tensor([[1.0, -2.0], [0.5, 3.0]]), b: tensor([0.1, -0.1]) });
export const GRADS_1 = (): Record<string, Tensor> => ({ W: tensor([[0.5, -1.0], [2.0, 0.0]]), b: tensor([0.2, -0.4]) });
export const GRADS_2 = (): Record<string, Tensor> => ({ W: tensor([[-0.5, 0.25], [1.0, 3.0]]), b: tensor([0.0, 0.1]) });

/** Two updates of fresh parameters, checking the values after each, and that the tensors are updated in place. */
export function expectTwoSteps(optimizer: Optimizer, first: { W: NestedArray; b: NestedArray }, second: { W: NestedArray; b: NestedArray }): void {
  const p = params();
  const { W, b } = p;
  optimizer.update(p, GRADS_1());
  expect(p.W).toBe(W);
  expect(p.b).toBe(b);
  expect(W.shape).toEqual([2, 2]);
  expect(b.shape).toEqual([2]);
  expectClose(W, first.W, 1e-15);
  expectClose(b, first.b, 1e-15);
  optimizer.update(p, GRADS_2());
  expectClose(W, second.W, 1e-15);
  expectClose(b, second.b, 1e-15);
}
