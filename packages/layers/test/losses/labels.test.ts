import { describe, expect, test } from "vitest";
import { ShapeError, tensor, zeros } from "@backprop/core";
import { classIndices } from "../../src/index.js";
import { oneHot } from "../helpers.js";

const WHERE = "Loss.forward";

describe("classIndices", () => {
  test("t of rank 1 holds the class indices themselves", () => {
    const indices = classIndices(WHERE, tensor([2, 0, 1, 2]), 4, 3);
    expect(indices).toBeInstanceOf(Int32Array);
    expect(Array.from(indices)).toEqual([2, 0, 1, 2]);
  });

  test("t of rank 2 holds one-hot rows, read as the column of each row's 1", () => {
    const indices = classIndices(WHERE, tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]), 4, 3);
    expect(Array.from(indices)).toEqual([2, 0, 1, 2]);
    expect(Array.from(classIndices(WHERE, oneHot([3, 0, 9], 10), 3, 10))).toEqual([3, 0, 9]);
  });

  test("the rank decides, never the sizes", () => {
    // N = C = 2: the vector (1, 0) is two class indices, not one one-hot row
    expect(Array.from(classIndices(WHERE, tensor([1, 0]), 2, 2))).toEqual([1, 0]);
    // and the (2, 2) identity is two one-hot rows
    expect(Array.from(classIndices(WHERE, tensor([[1, 0], [0, 1]]), 2, 2))).toEqual([0, 1]);
    // an (N, 1) t is one-hot over one class even though it looks like a column of indices
    expect(Array.from(classIndices(WHERE, tensor([[1], [1], [1]]), 3, 1))).toEqual([0, 0, 0]);
    expect(() => classIndices(WHERE, tensor([[0], [0], [0]]), 3, 1)).toThrow(/^Loss\.forward: one-hot row t\[0\] must hold exactly one 1, got 0$/);
  });

  test("indices stored as floats are read exactly, including -0 as class 0", () => {
    expect(Array.from(classIndices(WHERE, tensor([-0, 1, 9], { dtype: "float32" }), 3, 10))).toEqual([0, 1, 9]);
  });

  test("an empty batch gives no indices", () => {
    expect(Array.from(classIndices(WHERE, zeros([0]), 0, 3))).toEqual([]);
    expect(Array.from(classIndices(WHERE, zeros([0, 3]), 0, 3))).toEqual([]);
  });

  test("refuses t of a shape that is neither (N) nor (N, C), naming the caller", () => {
    const message = /^Loss\.forward: t must hold 4 class indices in \[0, 3\) or be \(4, 3\) one-hot, got /;
    expect(() => classIndices(WHERE, zeros([5]), 4, 3)).toThrow(ShapeError);
    expect(() => classIndices(WHERE, zeros([5]), 4, 3)).toThrow(new RegExp(`${message.source}\\(5,\\)$`));
    expect(() => classIndices(WHERE, zeros([4, 2]), 4, 3)).toThrow(new RegExp(`${message.source}\\(4, 2\\)$`));
    expect(() => classIndices(WHERE, zeros([3, 3]), 4, 3)).toThrow(new RegExp(`${message.source}\\(3, 3\\)$`));
    expect(() => classIndices(WHERE, zeros([4, 3, 1]), 4, 3)).toThrow(new RegExp(`${message.source}\\(4, 3, 1\\)$`));
    expect(() => classIndices(WHERE, tensor(2), 4, 3)).toThrow(new RegExp(`${message.source}\\(\\)$`));
    expect(() => classIndices("SoftmaxWithLoss.forward", zeros([5]), 4, 3)).toThrow(/^SoftmaxWithLoss\.forward: t must hold 4 class indices/);
  });

  test("refuses an index that is not an integer in [0, C), naming its position and value", () => {
    expect(() => classIndices(WHERE, tensor([0, 1.5, 2]), 3, 3)).toThrow(/^Loss\.forward: t\[1\] = 1\.5 is not a class index in \[0, 3\)$/);
    expect(() => classIndices(WHERE, tensor([0, 1, 3]), 3, 3)).toThrow(/^Loss\.forward: t\[2\] = 3 is not a class index in \[0, 3\)$/);
    expect(() => classIndices(WHERE, tensor([-1, 1, 2]), 3, 3)).toThrow(/^Loss\.forward: t\[0\] = -1 is not a class index in \[0, 3\)$/);
    expect(() => classIndices(WHERE, tensor([0, NaN, 2]), 3, 3)).toThrow(/^Loss\.forward: t\[1\] = NaN is not a class index in \[0, 3\)$/);
    expect(() => classIndices(WHERE, tensor([0, 1, 3]), 3, 3)).toThrow(RangeError);
  });

  test("refuses a soft one-hot row rather than reading it by argmax", () => {
    expect(() => classIndices(WHERE, tensor([[0, 0, 1], [0.1, 0.9, 0]]), 2, 3)).toThrow(
      /^Loss\.forward: one-hot t must hold only 0 and 1, got t\[1, 0\] = 0\.1$/,
    );
    expect(() => classIndices(WHERE, tensor([[0, 2, 0]]), 1, 3)).toThrow(/^Loss\.forward: one-hot t must hold only 0 and 1, got t\[0, 1\] = 2$/);
    expect(() => classIndices(WHERE, tensor([[0, -1, 1]]), 1, 3)).toThrow(/^Loss\.forward: one-hot t must hold only 0 and 1, got t\[0, 1\] = -1$/);
  });

  test("refuses an empty one-hot row and one with two 1s", () => {
    expect(() => classIndices(WHERE, tensor([[0, 1, 0], [0, 0, 0]]), 2, 3)).toThrow(/^Loss\.forward: one-hot row t\[1\] must hold exactly one 1, got 0$/);
    expect(() => classIndices(WHERE, tensor([[1, 1, 0]]), 1, 3)).toThrow(/^Loss\.forward: one-hot row t\[0\] must hold exactly one 1, got 2$/);
    expect(() => classIndices(WHERE, tensor([[1, 1, 0]]), 1, 3)).toThrow(RangeError);
  });
});
