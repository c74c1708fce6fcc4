import { describe, expect, it } from "vitest";
import { ShapeError, add, arange, broadcastShapes, mul, sub, tensor } from "../src/index.js";
import { broadcastTo } from "../src/broadcast.js";
import { ndOf } from "../src/tensor.js";

describe("broadcastShapes", () => {
  it("aligns shapes on the right and stretches size-1 axes", () => {
    expect(broadcastShapes("op", [2, 3], [3])).toEqual([2, 3]);
    expect(broadcastShapes("op", [3], [2, 3])).toEqual([2, 3]);
    expect(broadcastShapes("op", [2, 1], [1, 3])).toEqual([2, 3]);
    expect(broadcastShapes("op", [2, 3], [2, 1])).toEqual([2, 3]);
    expect(broadcastShapes("op", [4, 1, 3], [2, 1])).toEqual([4, 2, 3]);
    expect(broadcastShapes("op", [1], [5])).toEqual([5]);
  });

  it("treats () as broadcasting to anything", () => {
    expect(broadcastShapes("op", [3], [])).toEqual([3]);
    expect(broadcastShapes("op", [], [2, 3])).toEqual([2, 3]);
    expect(broadcastShapes("op", [], [])).toEqual([]);
  });

  it("keeps zero-size axes against 1", () => {
    expect(broadcastShapes("op", [0, 3], [1, 3])).toEqual([0, 3]);
  });

  it("throws ShapeError naming the op and both shapes", () => {
    expect(() => broadcastShapes("add", [2, 3], [4])).toThrow(ShapeError);
    expect(() => broadcastShapes("add", [2, 3], [4])).toThrow(/^add: cannot broadcast \(2, 3\) with \(4,\)$/);
    expect(() => broadcastShapes("mul", [2, 3, 4], [3, 1, 4])).toThrow(/^mul: cannot broadcast \(2, 3, 4\) with \(3, 1, 4\)$/);
    expect(() => broadcastShapes("sub", [0], [2])).toThrow(/^sub: cannot broadcast \(0,\) with \(2,\)$/);
  });
});

describe("broadcastTo", () => {
  it("is a view reading stretched axes through stride 0", () => {
    const x = tensor([[1], [2]]);
    const v = broadcastTo(ndOf(x), [3, 2, 4]);
    expect(v.shape).toEqual([3, 2, 4]);
    expect(v.stride).toEqual([0, 1, 0]);
    expect(v.data).toBe(ndOf(x).data);
    expect(v.get(2, 1, 3)).toBe(2);
  });

  it("keeps the strides and offset of a view", () => {
    const x = arange(6).reshape(2, 3).T.slice(1); // (2, 2), strides [1, 3], offset 1
    const v = broadcastTo(ndOf(x), [5, 2, 2]);
    expect(v.stride).toEqual([0, 1, 3]);
    expect(v.offset).toBe(1);
    expect(v.get(4, 1, 1)).toBe(5);
  });
});

describe("broadcasting in binary ops", () => {
  const x = () => arange(6).reshape(2, 3);

  it("(2, 3) + (3,)", () => {
    const y = x().add(tensor([10, 20, 30]));
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([
      [10, 21, 32],
      [13, 24, 35],
    ]);
  });

  it("(3,) - (2, 3) keeps the operand order", () => {
    const y = tensor([10, 20, 30]).sub(x());
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([
      [10, 19, 28],
      [7, 16, 25],
    ]);
  });

  it("(2, 1) + (1, 3) -> (2, 3)", () => {
    const y = add(tensor([[0], [10]]), tensor([[1, 2, 3]]));
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([
      [1, 2, 3],
      [11, 12, 13],
    ]);
  });

  it("(2, 3) + (2, 1)", () => {
    const y = x().add(tensor([[100], [200]]));
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([
      [100, 101, 102],
      [203, 204, 205],
    ]);
  });

  it("(3,) + () and () - (3,)", () => {
    const y = tensor([1, 2, 3]).add(tensor(10));
    expect(y.shape).toEqual([3]);
    expect(y.toArray()).toEqual([11, 12, 13]);
    const z = sub(tensor(10), tensor([1, 2, 3]));
    expect(z.shape).toEqual([3]);
    expect(z.toArray()).toEqual([9, 8, 7]);
  });

  it("() + () gives a 0-d tensor", () => {
    const y = tensor(3).add(tensor(4));
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(7);
  });

  it("(2, 3, 4) + (3, 1)", () => {
    const y = arange(24).reshape(2, 3, 4).add(tensor([[100], [200], [300]]));
    expect(y.shape).toEqual([2, 3, 4]);
    expect(y.toArray()).toEqual([
      [
        [100, 101, 102, 103],
        [204, 205, 206, 207],
        [308, 309, 310, 311],
      ],
      [
        [112, 113, 114, 115],
        [216, 217, 218, 219],
        [320, 321, 322, 323],
      ],
    ]);
  });

  it("(2, 1, 4) * (3, 1) -> (2, 3, 4)", () => {
    const y = mul(arange(8).reshape(2, 1, 4), tensor([[1], [10], [100]]));
    expect(y.shape).toEqual([2, 3, 4]);
    expect(y.toArray()).toEqual([
      [
        [0, 1, 2, 3],
        [0, 10, 20, 30],
        [0, 100, 200, 300],
      ],
      [
        [4, 5, 6, 7],
        [40, 50, 60, 70],
        [400, 500, 600, 700],
      ],
    ]);
  });

  it("(2, 1) - (2, 1, 3) -> (2, 2, 3)", () => {
    const y = sub(tensor([[1], [2]]), tensor([[[10, 20, 30]], [[40, 50, 60]]]));
    expect(y.shape).toEqual([2, 2, 3]);
    expect(y.toArray()).toEqual([
      [
        [-9, -19, -29],
        [-8, -18, -28],
      ],
      [
        [-39, -49, -59],
        [-38, -48, -58],
      ],
    ]);
  });

  it("transposed (3, 2) + (2,)", () => {
    const y = x().T.add(tensor([10, 20]));
    expect(y.shape).toEqual([3, 2]);
    expect(y.toArray()).toEqual([
      [10, 23],
      [11, 24],
      [12, 25],
    ]);
  });

  it("transposed (3, 2) + (3, 1)", () => {
    const y = x().T.add(tensor([[1], [2], [3]]));
    expect(y.shape).toEqual([3, 2]);
    expect(y.toArray()).toEqual([
      [1, 4],
      [3, 6],
      [5, 8],
    ]);
  });

  it("(3, 2) + a transposed (1, 3) stretched along its stride", () => {
    const col = tensor([[1, 2, 3]]).T; // (3, 1), strides [1, 3]
    const y = add(tensor([[0, 3], [1, 4], [2, 5]]), col);
    expect(y.shape).toEqual([3, 2]);
    expect(y.toArray()).toEqual([
      [1, 4],
      [3, 6],
      [5, 8],
    ]);
  });

  it("transposed 3-D (4, 3, 2) - (3, 1)", () => {
    const y = arange(24).reshape(2, 3, 4).T.sub(tensor([[1], [2], [3]]));
    expect(y.shape).toEqual([4, 3, 2]);
    expect(y.toArray()).toEqual([
      [
        [-1, 11],
        [2, 14],
        [5, 17],
      ],
      [
        [0, 12],
        [3, 15],
        [6, 18],
      ],
      [
        [1, 13],
        [4, 16],
        [7, 19],
      ],
      [
        [2, 14],
        [5, 17],
        [8, 20],
      ],
    ]);
  });

  it("a sliced (offset) operand", () => {
    const y = tensor([1, 1, 1]).add(arange(9).reshape(3, 3).slice(2));
    expect(y.shape).toEqual([1, 3]);
    expect(y.toArray()).toEqual([[7, 8, 9]]);
  });

  it("throws ShapeError naming the op and both shapes", () => {
    expect(() => x().add(tensor([1, 2, 3, 4]))).toThrow(ShapeError);
    expect(() => x().add(tensor([1, 2, 3, 4]))).toThrow(/^add: cannot broadcast \(2, 3\) with \(4,\)$/);
    expect(() => sub(tensor([1, 2]), x())).toThrow(/^sub: cannot broadcast \(2,\) with \(2, 3\)$/);
    expect(() => x().T.mul(x())).toThrow(/^mul: cannot broadcast \(3, 2\) with \(2, 3\)$/);
    expect(() => x().gt(tensor([[1], [2], [3]]))).toThrow(/^gt: cannot broadcast \(2, 3\) with \(3, 1\)$/);
  });
});
