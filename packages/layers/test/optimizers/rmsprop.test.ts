import { describe, expect, test } from "vitest";
import { tensor } from "@backprop/core";
import { RMSprop } from "../../src/index.js";
import { expectClose } from "../helpers.js";

// The expected values were computed in Python, not with the code under test: the book's rule written out on plain
// floats,
//   h = h * decayRate;  h = h + (1 - decayRate) * dx * dx;  x = x - lr * dx / (sqrt(h) + 1e-7)
// and checked bit for bit against the book's common/optimizer.py (NumPy) on the same problem. The operations are
// the same in the same order, so RELATIVE (1e-15) only allows for a last-bit difference.
import { descend, expectPath } from "./optimizer-helpers.js";

describe("RMSprop", () => {
  test("three updates on f(x, y) = x^2 / 20 + y^2, lr 0.1, decayRate 0.9", () => {
    expectPath(descend(new RMSprop(0.1, 0.9)), [
      [-6.68377237684024, 1.68377225898316],
      [-6.459445394641136, 1.47387534983787],
      [-6.274223353125947, 1.3087179103670454],
    ]);
  });

  test("lr 0.01 and decayRate 0.99 by default, as in the book", () => {
    const optimizer = new RMSprop();
    expect([optimizer.lr, optimizer.decayRate]).toEqual([0.01, 0.99]);
    expectPath(descend(optimizer), [
      [-6.900000142856939, 1.9000000249999938],
      [-6.829621356850112, 1.8309433624766462],
      [-6.772268603463651, 1.7753494860812737],
    ]);
  });

  test("the first step is lr / sqrt(1 - decayRate) against the gradient's sign (by hand)", () => {
    // h = 0.01 * dx^2, so the step is lr * dx / (0.1 |dx| + 1e-7) ~ 10 lr: 0.1 for lr 0.01 and any dx
    const p = { w: tensor([1.0, -1.0]) };
    new RMSprop().update(p, { w: tensor([3.0, -0.25]) });
    expectClose(p.w, [0.9, -0.9], 1e-6);
  });

  test("a zero gradient moves nothing instead of dividing 0 by 0", () => {
    const p = { w: tensor([1.5]) };
    new RMSprop().update(p, { w: tensor([0]) });
    expect(p.w.toArray()).toEqual([1.5]);
  });

  test("state() is null before the first update", () => {
    expect(new RMSprop().state()).toEqual({ h: null });
  });

  test("spec and toString", () => {
    expect(new RMSprop(0.1, 0.9).spec()).toEqual({ type: "RMSprop", lr: 0.1, decayRate: 0.9 });
    expect(String(new RMSprop())).toBe("RMSprop(lr 0.01, decayRate 0.99)");
  });
});
