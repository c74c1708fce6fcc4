import { describe, expect, test } from "vitest";
import { tensor, type Tensor } from "@backprop/core";
import { Nesterov } from "../../src/index.js";
import { expectClose } from "../helpers.js";

// The expected values were computed in Python, not with the code under test: the book's rule written out on plain
// floats,
//   x = x + momentum^2 * v;  x = x - (1 + momentum) * lr * dx;  v = v * momentum;  v = v - lr * dx
// and checked bit for bit against the book's common/optimizer.py (NumPy) on the same problem. The operations are
// the same in the same order, so RELATIVE (1e-15) only allows for a last-bit difference.
import { descend, expectPath } from "./optimizer-helpers.js";

describe("Nesterov", () => {
  test("three updates on f(x, y) = x^2 / 20 + y^2, lr 0.1", () => {
    expectPath(descend(new Nesterov(0.1)), [
      [-6.867, 1.24],
      [-6.6798269999999995, 0.4447999999999999],
      [-6.446257587, -0.21670400000000015],
    ]);
  });

  test("lr 0.01 and momentum 0.9 by default, as in the book", () => {
    const optimizer = new Nesterov();
    expect([optimizer.lr, optimizer.momentum]).toEqual([0.01, 0.9]);
    expectPath(descend(optimizer), [
      [-6.9867, 1.924],
      [-6.96775527, 1.8184879999999999],
      [-6.943754307987, 1.689056656],
    ]);
  });

  test("the first step is (1 + momentum) * lr against the gradient, the velocity -lr times it (by hand)", () => {
    // W = 1 - 1.9 * 0.1 * 0.5 = 0.905 and b = 0.1 - 1.9 * 0.1 * 0.2 = 0.062; v = -0.1 * 0.5 = -0.05 and -0.02
    const optimizer = new Nesterov(0.1);
    const p = { W: tensor([1.0]), b: tensor([0.1]) };
    optimizer.update(p, { W: tensor([0.5]), b: tensor([0.2]) });
    expectClose(p.W, [0.905], 1e-15);
    expectClose(p.b, [0.062], 1e-15);
    const { v } = optimizer.state() as { v: Record<string, Tensor> };
    expectClose(v.W, [-0.05], 1e-17);
    expectClose(v.b, [-0.02], 1e-17);
  });

  test("momentum 0 is SGD", () => {
    expectPath(descend(new Nesterov(0.95, 0)), [
      [-6.335, -1.7999999999999998],
      [-5.733175, 1.6199999999999997],
      [-5.188523375, -1.4579999999999997],
    ]);
  });

  test("state() is null before the first update", () => {
    expect(new Nesterov().state()).toEqual({ v: null });
  });

  test("spec and toString", () => {
    expect(new Nesterov(0.1, 0.5).spec()).toEqual({ type: "Nesterov", lr: 0.1, momentum: 0.5 });
    expect(String(new Nesterov())).toBe("Nesterov(lr 0.01, momentum 0.9)");
  });
});
