import { describe, expect, test } from "vitest";
import type { Tensor } from "@backprop/core";
import { Adam } from "../../src/index.js";
import { expectClose } from "../helpers.js";

// The expected values were computed in Python, not with the code under test: the book's rule written out on plain
// floats,
//   lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t);  m = m + (1 - beta1) * (dx - m);
//   v = v + (1 - beta2) * (dx^2 - v);  x = x - lr_t * m / (sqrt(v) + 1e-7) at update t = 1, 2, ...
// and checked bit for bit against the book's common/optimizer.py (NumPy) on the same problem. The operations are
// the same in the same order, so RELATIVE (1e-15) only allows for a last-bit difference.
import { descend, expectPath, expectTwoSteps, params, GRADS_1, GRADS_2 } from "./optimizer-helpers.js";

describe("Adam", () => {
  test("three updates on f(x, y) = x^2 / 20 + y^2, lr 0.3 (the book's figure)", () => {
    expectPath(descend(new Adam(0.3)), [
      [-6.700001355255732, 1.700000237170637],
      [-6.400416624043272, 1.4022457408988034],
      [-6.1015490069813225, 1.108912039425857],
    ]);
  });

  test("lr 0.001, beta1 0.9 and beta2 0.999 by default, as in the paper", () => {
    const optimizer = new Adam();
    expect([optimizer.lr, optimizer.beta1, optimizer.beta2]).toEqual([0.001, 0.9, 0.999]);
    expectPath(descend(optimizer), [
      [-6.999000004517519, 1.9990000007905688],
      [-6.998000011439374, 1.9980000144172056],
      [-6.997000023977916, 1.9970000496964717],
    ]);
  });

  test("the book's Adam on W and b, lr 0.01: the first step moves each weight by about lr against its gradient's sign", () => {
    expectTwoSteps(
      new Adam(0.01),
      { W: [[0.9900000632451532, -1.9900000316226767], [0.4900000158113633, 3.0]], b: [0.09000015811138305, -0.09000007905631652] },
      {
        W: [[0.990526376680293, -1.985305364319962], [0.4806782326115179, 2.992558639608213]],
        b: [0.08329968156686579, -0.08530543336748253],
      },
    );
  });

  test("on W and b with the defaults", () => {
    expectTwoSteps(
      new Adam(),
      { W: [[0.9990000063245154, -1.9990000031622677], [0.49900000158113633, 3.0]], b: [0.0990000158111383, -0.09900000790563165] },
      {
        W: [[0.9990526376680293, -1.9985305364319963], [0.4980678232611518, 2.9992558639608213]],
        b: [0.09832996815668658, -0.09853054333674825],
      },
    );
  });

  test("uses the betas it is given", () => {
    expectTwoSteps(
      new Adam(0.1, 0.5, 0.6),
      { W: [[0.9000000316227665, -1.900000015811386], [0.4000000079056935, 3.0]], b: [7.905687901543779e-8, -3.9528455134107965e-8] },
      {
        W: [[0.9333333566227686, -1.8740990645133044], [0.30853410367282535, 2.9156726001732873]],
        b: [-0.054432970782803874, 0.025900904222461663],
      },
    );
  });

  test("state() counts the updates and holds both moments, null before the first update", () => {
    const optimizer = new Adam(0.01);
    expect(optimizer.state()).toEqual({ iter: 0, m: null, v: null });
    const p = params();
    optimizer.update(p, GRADS_1());
    optimizer.update(p, GRADS_2());
    const { iter, m, v } = optimizer.state() as { iter: number; m: Record<string, Tensor>; v: Record<string, Tensor> };
    expect(iter).toBe(2);
    // by hand: m = 0.1 g1 after one update, then m + 0.1 (g2 - m) = 0.09 g1 + 0.1 g2; v likewise with 0.001 and g^2
    expectClose(m.W, [[0.09 * 0.5 - 0.05, 0.09 * -1 + 0.025], [0.09 * 2 + 0.1, 0.3]], 1e-15);
    expectClose(v.W, [[0.000999 * 0.25 + 0.00025, 0.000999 + 0.0000625], [0.000999 * 4 + 0.001, 0.009]], 1e-15);
  });

  test("restore refuses an iter that is not a non-negative integer", () => {
    const optimizer = new Adam();
    expect(() => optimizer.restore({ iter: -1, m: null, v: null })).toThrow(/^Adam\.restore: iter must be a non-negative integer, got -1$/);
    expect(() => optimizer.restore({ iter: 1.5, m: null, v: null })).toThrow(/^Adam\.restore: iter must be a non-negative integer, got 1\.5$/);
    expect(() => optimizer.restore({ m: null, v: null })).toThrow(/^Adam\.restore: iter must be a non-negative integer, got undefined$/);
    expect(() => optimizer.restore({ iter: -1, m: null, v: null })).toThrow(RangeError);
  });

  test("restore puts back the update count, which the bias correction depends on", () => {
    // after restoring iter 0 with no moments, a used Adam takes the first step of a fresh one again
    const used = new Adam(0.3);
    descend(used, 4);
    used.restore({ iter: 0, m: null, v: null });
    expectPath(descend(used, 1), [[-6.700001355255732, 1.700000237170637]]);
  });

  test("spec and toString", () => {
    expect(new Adam(0.1, 0.5, 0.6).spec()).toEqual({ type: "Adam", lr: 0.1, beta1: 0.5, beta2: 0.6 });
    expect(String(new Adam())).toBe("Adam(lr 0.001, beta1 0.9, beta2 0.999)");
  });
});
