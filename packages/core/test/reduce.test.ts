import { describe, expect, it } from "vitest";
import { ShapeError, arange, sumTo, tensor, zeros } from "../src/index.js";
import { ndOf } from "../src/tensor.js";

const m = () =>
  tensor([
    [3, 1, 4],
    [1, 5, 9],
  ]);

/** (np.arange(24) * 7 % 11).reshape(2, 3, 4) */
const c = () =>
  tensor([
    [
      [0, 7, 3, 10],
      [6, 2, 9, 5],
      [1, 8, 4, 0],
    ],
    [
      [7, 3, 10, 6],
      [2, 9, 5, 1],
      [8, 4, 0, 7],
    ],
  ]);

describe("full reductions", () => {
  it("return numbers", () => {
    const x = m();
    expect(typeof x.sum()).toBe("number");
    expect(x.sum()).toBe(23);
    expect(x.max()).toBe(9);
    expect(x.min()).toBe(1);
    expect(x.mean()).toBeCloseTo(3.8333333333333335, 14);
    expect(x.argmax()).toBe(5);
  });

  it("reduce a 3-D tensor", () => {
    const x = c();
    expect(x.sum()).toBe(117);
    expect(x.max()).toBe(10);
    expect(x.min()).toBe(0);
    expect(x.mean()).toBe(4.875);
    expect(x.argmax()).toBe(3);
  });

  it("reduce a 0-d tensor to its value", () => {
    expect(tensor(4).sum()).toBe(4);
    expect(tensor(4).argmax()).toBe(0);
  });

  it("read a transposed view in its logical order", () => {
    const x = tensor([
      [1, 9, 4],
      [1, 5, 2],
    ]);
    expect(x.argmax()).toBe(1);
    expect(x.T.argmax()).toBe(2);
    expect(x.T.sum()).toBe(22);
    expect(c().transpose(2, 0, 1).argmax()).toBe(15);
  });

  it("read only a slice's elements", () => {
    const x = m().slice(1);
    expect(x.sum()).toBe(15);
    expect(x.min()).toBe(1);
    expect(x.argmax()).toBe(2);
  });

  it("sum of an empty tensor is 0; mean is NaN", () => {
    expect(zeros([0]).sum()).toBe(0);
    expect(zeros([2, 0]).mean()).toBeNaN();
  });

  it("argmax returns the first NaN, as NumPy", () => {
    expect(tensor([1, NaN, 3, NaN]).argmax()).toBe(1);
    expect(tensor([NaN, 5]).argmax()).toBe(0);
    expect(
      tensor([
        [1, 2, NaN],
        [4, 3, 2],
      ])
        .argmax(1)
        .toArray(),
    ).toEqual([2, 0]);
  });

  it("max and min propagate NaN", () => {
    expect(tensor([1, NaN, 3]).max()).toBeNaN();
    expect(tensor([NaN, 1]).min()).toBeNaN();
    expect(tensor([1, 3, NaN]).min()).toBeNaN();
  });

  it("max and min handle infinities", () => {
    expect(tensor([-Infinity, -Infinity]).max()).toBe(-Infinity);
    expect(tensor([Infinity, 2]).min()).toBe(2);
  });
});

describe("reductions along an axis", () => {
  it("sum along each axis of a matrix", () => {
    const s0 = m().sum(0);
    expect(s0.shape).toEqual([3]);
    expect(s0.toArray()).toEqual([4, 6, 13]);
    const s1 = m().sum(1);
    expect(s1.shape).toEqual([2]);
    expect(s1.toArray()).toEqual([8, 15]);
  });

  it("max / min / argmax along each axis of a matrix", () => {
    expect(m().max(0).toArray()).toEqual([3, 5, 9]);
    expect(m().max(1).toArray()).toEqual([4, 9]);
    expect(m().min(0).toArray()).toEqual([1, 1, 4]);
    expect(m().min(1).toArray()).toEqual([1, 1]);
    expect(m().argmax(0).toArray()).toEqual([0, 1, 1]);
    expect(m().argmax(1).toArray()).toEqual([2, 2]);
  });

  it("mean along each axis of a matrix", () => {
    expect(m().mean(0).toArray()).toEqual([2, 3, 6.5]);
    const y = m().mean(1);
    expect(y.shape).toEqual([2]);
    const [r0, r1] = y.toArray() as number[];
    expect(r0).toBeCloseTo(2.6666666666666665, 14);
    expect(r1).toBe(5);
  });

  it("negative axes count from the end", () => {
    expect(m().sum(-1).toArray()).toEqual([8, 15]);
    expect(m().sum(-2).toArray()).toEqual([4, 6, 13]);
    expect(m().argmax(-1).toArray()).toEqual([2, 2]);
    expect(c().max(-3).toArray()).toEqual(c().max(0).toArray());
  });

  it("a 1-D tensor along axis 0 gives a 0-d tensor", () => {
    const y = tensor([1, 2, 3]).sum(0);
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(6);
    expect(tensor([1, 7, 3]).argmax(0).item()).toBe(1);
  });

  it("3-D along axis 0", () => {
    const x = c();
    expect(x.sum(0).shape).toEqual([3, 4]);
    expect(x.sum(0).toArray()).toEqual([
      [7, 10, 13, 16],
      [8, 11, 14, 6],
      [9, 12, 4, 7],
    ]);
    expect(x.max(0).toArray()).toEqual([
      [7, 7, 10, 10],
      [6, 9, 9, 5],
      [8, 8, 4, 7],
    ]);
    expect(x.min(0).toArray()).toEqual([
      [0, 3, 3, 6],
      [2, 2, 5, 1],
      [1, 4, 0, 0],
    ]);
    expect(x.argmax(0).toArray()).toEqual([
      [1, 0, 1, 0],
      [0, 1, 0, 0],
      [1, 0, 0, 1],
    ]);
    expect(x.mean(0).toArray()).toEqual([
      [3.5, 5, 6.5, 8],
      [4, 5.5, 7, 3],
      [4.5, 6, 2, 3.5],
    ]);
  });

  it("3-D along axis 1", () => {
    const x = c();
    expect(x.sum(1).shape).toEqual([2, 4]);
    expect(x.sum(1).toArray()).toEqual([
      [7, 17, 16, 15],
      [17, 16, 15, 14],
    ]);
    expect(x.max(1).toArray()).toEqual([
      [6, 8, 9, 10],
      [8, 9, 10, 7],
    ]);
    expect(x.min(1).toArray()).toEqual([
      [0, 2, 3, 0],
      [2, 3, 0, 1],
    ]);
    expect(x.argmax(1).toArray()).toEqual([
      [1, 2, 1, 0],
      [2, 1, 0, 2],
    ]);
    const mean = x.mean(1).toArray() as number[][];
    const expected = [
      [2.3333333333333335, 5.666666666666667, 5.333333333333333, 5],
      [5.666666666666667, 5.333333333333333, 5, 4.666666666666667],
    ];
    mean.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 14)));
  });

  it("3-D along axis 2", () => {
    const x = c();
    expect(x.sum(2).shape).toEqual([2, 3]);
    expect(x.sum(2).toArray()).toEqual([
      [20, 22, 13],
      [26, 17, 19],
    ]);
    expect(x.max(2).toArray()).toEqual([
      [10, 9, 8],
      [10, 9, 8],
    ]);
    expect(x.min(2).toArray()).toEqual([
      [0, 2, 0],
      [3, 1, 0],
    ]);
    expect(x.argmax(2).toArray()).toEqual([
      [3, 2, 1],
      [2, 1, 0],
    ]);
    expect(x.mean(2).toArray()).toEqual([
      [5, 5.5, 3.25],
      [6.5, 4.25, 4.75],
    ]);
  });

  it("sum along an axis of size 0 gives zeros", () => {
    const y = zeros([0, 3]).sum(0);
    expect(y.shape).toEqual([3]);
    expect(y.toArray()).toEqual([0, 0, 0]);
  });

  it("max along an axis propagates NaN in its row only", () => {
    expect(
      tensor([
        [1, NaN],
        [2, 3],
      ])
        .max(1)
        .toArray(),
    ).toEqual([NaN, 3]);
  });
});

describe("keepDims", () => {
  it("keeps the reduced axis as size 1", () => {
    const s = m().sum(1, { keepDims: true });
    expect(s.shape).toEqual([2, 1]);
    expect(s.toArray()).toEqual([[8], [15]]);
    const t = m().max(0, { keepDims: true });
    expect(t.shape).toEqual([1, 3]);
    expect(t.toArray()).toEqual([[3, 5, 9]]);
  });

  it("works with negative axes on 3-D", () => {
    const s = c().sum(-2, { keepDims: true });
    expect(s.shape).toEqual([2, 1, 4]);
    expect(s.toArray()).toEqual([[[7, 17, 16, 15]], [[17, 16, 15, 14]]]);
  });

  it("mean and argmax keep dims too", () => {
    const y = m().mean(0, { keepDims: true });
    expect(y.shape).toEqual([1, 3]);
    expect(y.toArray()).toEqual([[2, 3, 6.5]]);
    const a = m().argmax(-1, { keepDims: true });
    expect(a.shape).toEqual([2, 1]);
    expect(a.toArray()).toEqual([[2], [2]]);
  });

  it("a kept-dims result broadcasts back (softmax-style x - max)", () => {
    const y = m().sub(m().max(1, { keepDims: true }));
    expect(y.toArray()).toEqual([
      [-1, -3, 0],
      [-8, -4, 0],
    ]);
  });

  it("1-D keeps (1,)", () => {
    const y = tensor([1, 2, 3]).sum(0, { keepDims: true });
    expect(y.shape).toEqual([1]);
    expect(y.toArray()).toEqual([6]);
  });
});

describe("reductions of views", () => {
  it("along each axis of a transposed matrix", () => {
    const t = m().T;
    expect(t.sum(0).toArray()).toEqual([8, 15]);
    expect(t.sum(1).toArray()).toEqual([4, 6, 13]);
    expect(t.max(0).toArray()).toEqual([4, 9]);
    expect(t.argmax(1).toArray()).toEqual([0, 1, 1]);
    expect(t.min(1, { keepDims: true }).toArray()).toEqual([[1], [1], [4]]);
  });

  it("along axes of a permuted 3-D view", () => {
    const t = c().transpose(2, 0, 1); // (4, 2, 3)
    expect(t.sum(1).shape).toEqual([4, 3]);
    expect(t.sum(1).toArray()).toEqual([
      [7, 8, 9],
      [10, 11, 12],
      [13, 14, 4],
      [16, 6, 7],
    ]);
    expect(t.argmax(-1).toArray()).toEqual([
      [1, 2],
      [2, 1],
      [1, 0],
      [0, 2],
    ]);
    expect(t.max(0).toArray()).toEqual([
      [10, 9, 8],
      [10, 9, 8],
    ]);
  });

  it("along an axis of a slice", () => {
    const y = arange(12).reshape(4, 3).slice(1, 3).sum(0);
    expect(y.toArray()).toEqual([9, 11, 13]);
  });

  it("returns a fresh tensor that does not alias the input", () => {
    const x = m();
    const s = x.sum(0);
    expect(ndOf(s).data).not.toBe(ndOf(x).data);
    x.set([0, 0], 100);
    expect(s.get(0)).toBe(4);
  });
});

describe("argmax ties", () => {
  it("the first maximum wins over all elements", () => {
    expect(tensor([5, 1, 5]).argmax()).toBe(0);
    expect(tensor([1, 7, 7, 7]).argmax()).toBe(1);
  });

  it("the first maximum wins along an axis", () => {
    const x = tensor([
      [1, 3, 3],
      [2, 2, 0],
    ]);
    expect(x.argmax(1).toArray()).toEqual([1, 0]);
    expect(
      tensor([
        [1, 3],
        [1, 2],
      ])
        .argmax(0)
        .toArray(),
    ).toEqual([0, 0]);
  });

  it("all-equal rows give 0", () => {
    expect(zeros([2, 4]).argmax(1).toArray()).toEqual([0, 0]);
  });
});

describe("dtype", () => {
  it("float32 in, float32 out along an axis", () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "float32" },
    );
    expect(x.sum(0).dtype).toBe("float32");
    expect(x.sum(0).toArray()).toEqual([4, 6]);
    expect(x.mean(1).dtype).toBe("float32");
    expect(x.mean(1).toArray()).toEqual([1.5, 3.5]);
    expect(x.argmax(1).toArray()).toEqual([1, 1]);
  });
});

describe("reduction errors", () => {
  it("throw ShapeError for an axis out of bounds", () => {
    expect(() => m().sum(2)).toThrow(ShapeError);
    expect(() => m().sum(2)).toThrow(/^sum: axis 2 is out of bounds for a 2-d tensor$/);
    expect(() => m().max(-3)).toThrow(/^max: axis -3 is out of bounds for a 2-d tensor$/);
    expect(() => m().min(5)).toThrow(/^min: axis 5 is out of bounds for a 2-d tensor$/);
    expect(() => m().mean(2)).toThrow(/^mean: axis 2 is out of bounds for a 2-d tensor$/);
    expect(() => tensor([1, 2]).argmax(1)).toThrow(/^argmax: axis 1 is out of bounds for a 1-d tensor$/);
    expect(() => tensor(1).sum(0)).toThrow(/^sum: axis 0 is out of bounds for a 0-d tensor$/);
    expect(() => c().sum(1.5)).toThrow(/^sum: axis 1.5 is out of bounds for a 3-d tensor$/);
  });

  it("throw ShapeError for max, min, argmax of nothing", () => {
    expect(() => zeros([0]).max()).toThrow(ShapeError);
    expect(() => zeros([0]).max()).toThrow(/^max: cannot reduce an empty tensor \(0,\)$/);
    expect(() => zeros([2, 0]).min()).toThrow(/^min: cannot reduce an empty tensor \(2, 0\)$/);
    expect(() => zeros([0]).argmax()).toThrow(/^argmax: cannot reduce an empty tensor \(0,\)$/);
    expect(() => zeros([2, 0]).max(1)).toThrow(/^max: cannot reduce axis 1 of size 0 in \(2, 0\)$/);
    expect(() => zeros([2, 0]).argmax(-1)).toThrow(/^argmax: cannot reduce axis -1 of size 0 in \(2, 0\)$/);
  });
});

describe("sumTo", () => {
  const x = () => arange(6).reshape(2, 3);

  it("sums leading axes away: (2, 3) -> (3,)", () => {
    const y = sumTo(x(), [3]);
    expect(y.shape).toEqual([3]);
    expect(y.toArray()).toEqual([3, 5, 7]);
  });

  it("sums size-1 axes with keepDims: (2, 3) -> (1, 3) and (2, 1)", () => {
    const r = sumTo(x(), [1, 3]);
    expect(r.shape).toEqual([1, 3]);
    expect(r.toArray()).toEqual([[3, 5, 7]]);
    const col = sumTo(x(), [2, 1]);
    expect(col.shape).toEqual([2, 1]);
    expect(col.toArray()).toEqual([[3], [12]]);
  });

  it("sums everything: (2, 3) -> () and (1, 1)", () => {
    const s = sumTo(x(), []);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(15);
    const t = sumTo(x(), [1, 1]);
    expect(t.shape).toEqual([1, 1]);
    expect(t.toArray()).toEqual([[15]]);
  });

  it("3-D: (2, 3, 4) -> (3, 1) and (2, 1, 4)", () => {
    const y = sumTo(c(), [3, 1]);
    expect(y.shape).toEqual([3, 1]);
    expect(y.toArray()).toEqual([[46], [39], [32]]);
    const z = sumTo(c(), [2, 1, 4]);
    expect(z.shape).toEqual([2, 1, 4]);
    expect(z.toArray()).toEqual([[[7, 17, 16, 15]], [[17, 16, 15, 14]]]);
  });

  it("reads a transposed view", () => {
    expect(sumTo(x().T, [2]).toArray()).toEqual([3, 12]);
  });

  it("returns a copy when the shape already matches", () => {
    const a = x();
    const y = sumTo(a, [2, 3]);
    expect(y).not.toBe(a);
    expect(ndOf(y).data).not.toBe(ndOf(a).data);
    expect(y.toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it("undoes a broadcast: sumTo(b + x, b.shape) sums the gradient", () => {
    const b = tensor([[1], [2]]);
    const grad = b.add(zeros([2, 3])).mul(0).add(1); // ones of the broadcast shape (2, 3)
    expect(sumTo(grad, b.shape).toArray()).toEqual([[3], [3]]);
  });

  it("throws ShapeError when x was not broadcast from shape", () => {
    expect(() => sumTo(x(), [4])).toThrow(ShapeError);
    expect(() => sumTo(x(), [4])).toThrow(/^sumTo: \(2, 3\) was not broadcast from \(4,\)$/);
    expect(() => sumTo(x(), [2])).toThrow(/^sumTo: \(2, 3\) was not broadcast from \(2,\)$/);
    expect(() => sumTo(tensor([1, 2, 3]), [2, 3])).toThrow(/^sumTo: \(3,\) was not broadcast from \(2, 3\)$/);
  });
});

describe("argmax indices", () => {
  it("are float64 even for a float32 tensor, so that they stay exact", () => {
    const x = tensor(
      [
        [1, 5, 2],
        [7, 0, 3],
      ],
      { dtype: "float32" },
    );
    const i = x.argmax(1);
    expect(i.dtype).toBe("float64");
    expect(i.toArray()).toEqual([1, 0]);
  });
});
