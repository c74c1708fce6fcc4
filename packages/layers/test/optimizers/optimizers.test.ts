import { describe, expect, test } from "vitest";
import { tensor, type NestedArray, type Tensor } from "@backprop/core";
import { AdaGrad, Adam, Momentum, SGD, type Optimizer } from "../../src";
import { expectClose, valuesOf } from "../helpers";

// Every expected value below comes from the book's common/optimizer.py run in NumPy on these same numbers, two
// steps: the first with GRADS_1, the second with GRADS_2. The operations are the same in the same order, so the
// results agree to within an ulp or two of values of order 1.
const TOLERANCE = 1e-15;

const params = (): Record<string, Tensor> => ({ W: tensor([[1.0, -2.0], [0.5, 3.0]]), b: tensor([0.1, -0.1]) });
// W[1][1] has a zero gradient in the first step: AdaGrad and Adam must not divide 0 by 0 there
const GRADS_1 = (): Record<string, Tensor> => ({ W: tensor([[0.5, -1.0], [2.0, 0.0]]), b: tensor([0.2, -0.4]) });
const GRADS_2 = (): Record<string, Tensor> => ({ W: tensor([[-0.5, 0.25], [1.0, 3.0]]), b: tensor([0.0, 0.1]) });

interface Expected {
  W: NestedArray;
  b: NestedArray;
}

/** Two updates of fresh parameters, checking the values after each, and that the tensors are updated in place. */
function expectTwoSteps(optimizer: Optimizer, first: Expected, second: Expected): void {
  const p = params();
  const { W, b } = p;
  optimizer.update(p, GRADS_1());
  expect(p.W).toBe(W);
  expect(p.b).toBe(b);
  expect(W.shape).toEqual([2, 2]);
  expect(b.shape).toEqual([2]);
  expectClose(W, first.W, TOLERANCE);
  expectClose(b, first.b, TOLERANCE);
  optimizer.update(p, GRADS_2());
  expect(p.W).toBe(W);
  expect(p.b).toBe(b);
  expectClose(W, second.W, TOLERANCE);
  expectClose(b, second.b, TOLERANCE);
}

describe("SGD", () => {
  test("W -= lr * dW, lr 0.1", () => {
    expectTwoSteps(
      new SGD(0.1),
      { W: [[0.95, -1.9], [0.3, 3.0]], b: [0.08, -0.06] },
      { W: [[1.0, -1.9249999999999998], [0.19999999999999998, 2.7]], b: [0.08, -0.07] },
    );
  });

  test("lr defaults to 0.01, as in the book", () => {
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
});

describe("Momentum", () => {
  test("v = momentum * v - lr * dW; W += v, lr 0.1", () => {
    expectTwoSteps(
      new Momentum(0.1),
      { W: [[0.95, -1.9], [0.3, 3.0]], b: [0.08, -0.06] },
      { W: [[0.955, -1.835], [0.019999999999999962, 2.7]], b: [0.062, -0.03399999999999999] },
    );
  });

  test("lr 0.01 and momentum 0.9 by default, as in the book", () => {
    expectTwoSteps(
      new Momentum(),
      { W: [[0.995, -1.99], [0.48, 3.0]], b: [0.098, -0.096] },
      { W: [[0.9954999999999999, -1.9835], [0.45199999999999996, 2.97]], b: [0.09620000000000001, -0.0934] },
    );
  });
});

describe("AdaGrad", () => {
  test("h += dW * dW; W -= lr * dW / (sqrt(h) + 1e-7), lr 0.5", () => {
    expectTwoSteps(
      new AdaGrad(0.5),
      { W: [[0.50000009999998, -1.500000049999995], [2.499999868232905e-8, 3.0]], b: [-0.399999750000125, 0.3999998750000312] },
      {
        W: [[0.8535534405932608, -1.6212678507534568], [-0.22360676274998073, 2.5000000166666663]],
        b: [-0.399999750000125, 0.2787320918936223],
      },
    );
  });

  test("lr defaults to 0.01, as in the book", () => {
    expectTwoSteps(
      new AdaGrad(),
      { W: [[0.9900000019999996, -1.9900000009999999], [0.4900000005, 3.0]], b: [0.09000000499999751, -0.09000000249999938] },
      {
        W: [[0.9970710688118652, -1.9924253570150692], [0.48552786474500037, 2.990000000333333]],
        b: [0.09000000499999751, -0.09242535816212756],
      },
    );
  });
});

describe("Adam", () => {
  test("the book's Adam, lr 0.01: the first step moves each weight by about lr against its gradient's sign", () => {
    expectTwoSteps(
      new Adam(0.01),
      { W: [[0.9900000632451532, -1.9900000316226767], [0.4900000158113633, 3.0]], b: [0.09000015811138305, -0.09000007905631652] },
      {
        W: [[0.990526376680293, -1.985305364319962], [0.4806782326115179, 2.992558639608213]],
        b: [0.08329968156686579, -0.08530543336748253],
      },
    );
  });

  test("lr 0.001, beta1 0.9 and beta2 0.999 by default, as in the paper", () => {
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
});
