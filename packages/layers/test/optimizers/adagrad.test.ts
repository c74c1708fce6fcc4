import { describe, expect, test } from "vitest";
import type { Tensor } from "@backprop/core";
import { AdaGrad } from "../../src/index.js";
import { expectClose } from "../helpers.js";

// The expected values were computed in Python, not with the code under test: the book's rule written out on plain
// floats,
//   h = h + dx * dx;  x = x - lr * dx / (sqrt(h) + 1e-7)
// and checked bit for bit against the book's common/optimizer.py (NumPy) on the same problem. The operations are
// the same in the same order, so RELATIVE (1e-15) only allows for a last-bit difference.
import { descend, expectPath, expectTwoSteps, params, GRADS_1, GRADS_2 } from "./optimizer-helpers.js";

describe("AdaGrad", () => {
  test("three updates on f(x, y) = x^2 / 20 + y^2, lr 1.5 (the book's figure)", () => {
    expectPath(descend(new AdaGrad(1.5)), [
      [-5.500000214285683, 0.5000000374999991],
      [-4.573267968164272, 0.13619658308878757],
      [-3.887842338970987, 0.03731457049652155],
    ]);
  });

  test("lr defaults to 0.01, as in the book", () => {
    expect(new AdaGrad().lr).toBe(0.01);
    expectPath(descend(new AdaGrad()), [
      [-6.990000001428571, 1.99000000025],
      [-6.982933990508388, 1.9829466766893782],
      [-6.977167134331845, 1.977196511281721],
    ]);
  });

  test("on W and b, lr 0.5, in place; a zero gradient moves nothing instead of dividing 0 by 0", () => {
    expectTwoSteps(
      new AdaGrad(0.5),
      { W: [[0.50000009999998, -1.500000049999995], [2.499999868232905e-8, 3.0]], b: [-0.399999750000125, 0.3999998750000312] },
      {
        W: [[0.8535534405932608, -1.6212678507534568], [-0.22360676274998073, 2.5000000166666663]],
        b: [-0.399999750000125, 0.2787320918936223],
      },
    );
  });

  test("on W and b with the default lr", () => {
    expectTwoSteps(
      new AdaGrad(),
      { W: [[0.9900000019999996, -1.9900000009999999], [0.4900000005, 3.0]], b: [0.09000000499999751, -0.09000000249999938] },
      {
        W: [[0.9970710688118652, -1.9924253570150692], [0.48552786474500037, 2.990000000333333]],
        b: [0.09000000499999751, -0.09242535816212756],
      },
    );
  });

  test("state() is the sum of squared gradients, null before the first update", () => {
    const optimizer = new AdaGrad(0.5);
    expect(optimizer.state()).toEqual({ h: null });
    const p = params();
    optimizer.update(p, GRADS_1());
    optimizer.update(p, GRADS_2());
    const { h } = optimizer.state() as { h: Record<string, Tensor> };
    // 0.5^2 + 0.5^2, 1 + 1/16, 4 + 1, 0 + 9; and 0.04 + 0, 0.16 + 0.01
    expectClose(h.W, [[0.5, 1.0625], [5, 9]], 1e-15);
    expectClose(h.b, [0.04000000000000001, 0.17], 1e-15);
  });

  test("spec and toString", () => {
    expect(new AdaGrad(0.5).spec()).toEqual({ type: "AdaGrad", lr: 0.5 });
    expect(String(new AdaGrad())).toBe("AdaGrad(lr 0.01)");
  });
});
