import { describe, expect, test } from "vitest";
import { tensor, zeros } from "@backprop/core";
import { crossEntropyError, sigmoid, softmax } from "../src/index.js";
import { expectClose, oneHot, valuesOf } from "./helpers.js";

// expected values from NumPy: softmax(a) = exp(a - max(a)) / sum(exp(a - max(a)))
const SOFTMAX_OF_0_3_2_9_4_0 = [0.01821127329554753, 0.24519181293507392, 0.7365969137693786];
const SOFTMAX_OF_1_M1_0 = [0.6652409557748218, 0.09003057317038046, 0.24472847105479764];

// the book's example (section 4.2.2): the network says 0.6 for the right class "2"
const BOOK_T = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
const BOOK_Y_RIGHT = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0];
const BOOK_Y_WRONG = [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0];

describe("softmax", () => {
  test("of a vector", () => {
    const y = softmax(tensor([0.3, 2.9, 4.0]));
    expect(y.shape).toEqual([3]);
    expectClose(y, SOFTMAX_OF_0_3_2_9_4_0, 1e-15);
  });

  test("of a matrix works row by row, each row summing to 1", () => {
    const y = softmax(tensor([[0.3, 2.9, 4.0], [1.0, -1.0, 0.0]]));
    expect(y.shape).toEqual([2, 3]);
    expectClose(y, [SOFTMAX_OF_0_3_2_9_4_0, SOFTMAX_OF_1_M1_0], 1e-15);
    for (const row of y.toArray() as number[][]) expect(Math.abs(row[0] + row[1] + row[2] - 1)).toBeLessThanOrEqual(4e-16);
  });

  test("does not overflow on huge scores: softmax(a + 1000) = softmax(a)", () => {
    const y = softmax(tensor([[1000, 1001, 1002], [-1000, -999, -998]]));
    // softmax([0, 1, 2]) = [e^-2, e^-1, 1] / (1 + e^-1 + e^-2), from NumPy
    const expected = [0.09003057317038046, 0.24472847105479764, 0.6652409557748218];
    expectClose(y, [expected, expected], 1e-15);
  });

  test("leaves x unchanged", () => {
    const x = tensor([[1, 2], [3, 4]]);
    softmax(x);
    expect(x.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  test("refuses other than 1-D or 2-D input", () => {
    expect(() => softmax(zeros([2, 2, 2]))).toThrow(/^softmax: x must be \(C\) or \(N, C\), got \(2, 2, 2\)$/);
    expect(() => softmax(tensor(1))).toThrow(/^softmax: x must be \(C\) or \(N, C\), got \(\)$/);
  });
});

describe("sigmoid", () => {
  test("gives 1 / (1 + exp(-x)) element-wise (values from NumPy)", () => {
    const y = sigmoid(tensor([[-1, 0], [1, 2]]));
    expect(y.shape).toEqual([2, 2]);
    expectClose(y, [[0.2689414213699951, 0.5], [0.7310585786300049, 0.8807970779778823]], 1e-15);
  });
});

describe("crossEntropyError", () => {
  test("the book's example: 0.6 on the right class gives 0.51082545709933802", () => {
    expect(crossEntropyError(tensor(BOOK_Y_RIGHT), tensor(BOOK_T))).toBeCloseTo(0.510825457099338, 15);
  });

  test("the book's example: 0.6 on a wrong class gives 2.3025840929945458", () => {
    expect(crossEntropyError(tensor(BOOK_Y_WRONG), tensor(BOOK_T))).toBeCloseTo(2.302584092994546, 15);
  });

  test("takes one sample's label as a 0-d class index, as well as one-hot; its rank decides, never its size", () => {
    expect(crossEntropyError(tensor(BOOK_Y_RIGHT), tensor(2))).toBeCloseTo(0.510825457099338, 15);
    expect(crossEntropyError(tensor(BOOK_Y_WRONG), tensor(2))).toBeCloseTo(2.302584092994546, 15);
    // a (1,) label would be a guess: an index, or a one-hot row of the wrong length?
    expect(() => crossEntropyError(tensor(BOOK_Y_RIGHT), tensor([2]))).toThrow(
      /^crossEntropyError: for one sample y \(10,\), t must be a class index \(a 0-d tensor\) or a \(10,\) one-hot row, got \(1,\)$/,
    );
  });

  test("of a batch is the mean over its rows", () => {
    // -(log(0.7 + 1e-7) + log(0.25 + 1e-7)) / 2, from NumPy
    const y = tensor([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]]);
    expect(crossEntropyError(y, tensor([1, 2]))).toBeCloseTo(0.8714843811007852, 15);
    expect(crossEntropyError(y, oneHot([1, 2], 3))).toBeCloseTo(0.8714843811007852, 15);
  });

  test("a probability of 0 on the right class gives -log(1e-7), not Infinity", () => {
    expect(crossEntropyError(tensor([[0.5, 0.5, 0]]), tensor([2]))).toBeCloseTo(7 * Math.LN10, 12);
  });

  test("leaves y and t unchanged", () => {
    const y = tensor([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]]);
    const t = oneHot([1, 2], 3);
    crossEntropyError(y, t);
    expect(valuesOf(y)).toEqual([0.1, 0.7, 0.2, 0.5, 0.25, 0.25]);
    expect(valuesOf(t)).toEqual([0, 1, 0, 0, 0, 1]);
  });

  test("refuses y of more than 2 dimensions", () => {
    expect(() => crossEntropyError(zeros([1, 2, 3]), tensor([0]))).toThrow(/^crossEntropyError: y must be \(C\) or \(N, C\), got \(1, 2, 3\)$/);
  });

  test("refuses t that does not fit y", () => {
    expect(() => crossEntropyError(zeros([2, 3]), tensor([0, 1, 2]))).toThrow(
      /^crossEntropyError: t must hold 2 class indices in \[0, 3\) or be \(2, 3\) one-hot, got \(3,\)$/,
    );
  });

  test("refuses a label that is not a class index", () => {
    expect(() => crossEntropyError(tensor(BOOK_Y_RIGHT), tensor(10))).toThrow(/^crossEntropyError: t\[0\] = 10 is not a class index in \[0, 10\)$/);
    expect(() => crossEntropyError(zeros([2, 3]), tensor([0, 3]))).toThrow(/^crossEntropyError: t\[1\] = 3 is not a class index in \[0, 3\)$/);
  });
});
