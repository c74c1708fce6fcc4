import { describe, expect, test } from "vitest";
import { SGD } from "../../src/index.js";
import { valuesOf } from "../helpers.js";

// The expected values were computed in Python, not with the code under test: the book's rule written out on plain
// floats, x = x - lr * dx, and checked bit for bit against the book's common/optimizer.py (NumPy) on the same problem.
// The operations are the same in the same order, so RELATIVE (1e-15) only allows for a last-bit difference.
import { descend, expectPath, expectTwoSteps, params, GRADS_1 } from "./optimizer-helpers.js";

describe("SGD", () => {
  test("three updates on f(x, y) = x^2 / 20 + y^2, lr 0.95 (the book's figure)", () => {
    expectPath(descend(new SGD(0.95)), [
      [-6.335, -1.7999999999999998],
      [-5.733175, 1.6199999999999997],
      [-5.188523375, -1.4579999999999997],
    ]);
  });

  test("lr defaults to 0.01, as in the book", () => {
    expect(new SGD().lr).toBe(0.01);
    expectPath(descend(new SGD()), [
      [-6.993, 1.96],
      [-6.986007000000001, 1.9208],
      [-6.979020993000001, 1.882384],
    ]);
  });

  test("W -= lr * dW on W and b, lr 0.1, in place", () => {
    expectTwoSteps(
      new SGD(0.1),
      { W: [[0.95, -1.9], [0.3, 3.0]], b: [0.08, -0.06] },
      { W: [[1.0, -1.9249999999999998], [0.19999999999999998, 2.7]], b: [0.08, -0.07] },
    );
  });

  test("W -= lr * dW on W and b, default lr", () => {
    expectTwoSteps(
      new SGD(),
      { W: [[0.995, -1.99], [0.48, 3.0]], b: [0.098, -0.096] },
      { W: [[1.0, -1.9925], [0.47, 2.97]], b: [0.098, -0.097] },
    );
  });

  test("leaves the gradients unchanged", () => {
    const grads = GRADS_1();
    new SGD(0.1).update(params(), grads);
    expect(valuesOf(grads.W)).toEqual([0.5, -1.0, 2.0, 0.0]);
    expect(valuesOf(grads.b)).toEqual([0.2, -0.4]);
  });

  test("keeps nothing between updates: its state is empty", () => {
    const optimizer = new SGD(0.1);
    expect(optimizer.state()).toEqual({});
    optimizer.update(params(), GRADS_1());
    expect(optimizer.state()).toEqual({});
  });

  test("spec and toString", () => {
    expect(new SGD(0.1).spec()).toEqual({ type: "SGD", lr: 0.1 });
    expect(String(new SGD())).toBe("SGD(lr 0.01)");
  });
});
