import { describe, expect, test } from "vitest";
import type { Tensor } from "@backprop/core";
import { Momentum } from "../../src/index.js";
import { expectClose } from "../helpers.js";

// The expected values were computed in Python, not with the code under test: the book's rule written out on plain
// floats,
//   v = momentum * v - lr * dx;  x = x + v
// and checked bit for bit against the book's common/optimizer.py (NumPy) on the same problem. The operations are
// the same in the same order, so RELATIVE (1e-15) only allows for a last-bit difference.
import { descend, expectPath, expectTwoSteps, params, GRADS_1 } from "./optimizer-helpers.js";

describe("Momentum", () => {
  test("three updates on f(x, y) = x^2 / 20 + y^2, lr 0.1 (the book's figure)", () => {
    expectPath(descend(new Momentum(0.1)), [
      [-6.93, 1.6],
      [-6.7977, 0.9199999999999999],
      [-6.610653, 0.12399999999999967],
    ]);
  });

  test("lr 0.01 and momentum 0.9 by default, as in the book", () => {
    const optimizer = new Momentum();
    expect([optimizer.lr, optimizer.momentum]).toEqual([0.01, 0.9]);
    expectPath(descend(optimizer), [
      [-6.993, 1.96],
      [-6.979707, 1.8848],
      [-6.960763593, 1.7794240000000001],
    ]);
  });

  test("v = momentum * v - lr * dW; W += v on W and b, lr 0.1, in place", () => {
    expectTwoSteps(
      new Momentum(0.1),
      { W: [[0.95, -1.9], [0.3, 3.0]], b: [0.08, -0.06] },
      { W: [[0.955, -1.835], [0.019999999999999962, 2.7]], b: [0.062, -0.03399999999999999] },
    );
  });

  test("on W and b with the defaults", () => {
    expectTwoSteps(
      new Momentum(),
      { W: [[0.995, -1.99], [0.48, 3.0]], b: [0.098, -0.096] },
      { W: [[0.9954999999999999, -1.9835], [0.45199999999999996, 2.97]], b: [0.09620000000000001, -0.0934] },
    );
  });

  test("state() is the velocity of each parameter, null before the first update", () => {
    const optimizer = new Momentum(0.1);
    expect(optimizer.state()).toEqual({ v: null });
    const p = params();
    optimizer.update(p, GRADS_1());
    const { v } = optimizer.state() as { v: Record<string, Tensor> };
    expect(Object.keys(v)).toEqual(["W", "b"]);
    // the first velocity is -lr * dW
    expectClose(v.W, [[-0.05, 0.1], [-0.2, -0]], 1e-17);
    expectClose(v.b, [-0.02, 0.04], 1e-17);
  });

  test("spec and toString", () => {
    expect(new Momentum(0.1, 0.5).spec()).toEqual({ type: "Momentum", lr: 0.1, momentum: 0.5 });
    expect(String(new Momentum())).toBe("Momentum(lr 0.01, momentum 0.9)");
  });
});
