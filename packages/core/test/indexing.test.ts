import { describe, expect, it } from "vitest";
import { ShapeError, Tensor, arange, forEachOffset, tensor, zeros } from "../src/index.js";
import { contiguous, flatValues, normalizeAxis } from "../src/indexing.js";
import { ndOf } from "../src/tensor.js";

/** 0, 1, ..., 23 as (2, 3, 4). */
const cube = () => arange(24).reshape(2, 3, 4);

function visits(x: Tensor): [number[], number[]] {
  const offsets: number[] = [];
  const flat: number[] = [];
  forEachOffset(x, (at, i) => {
    offsets.push(at);
    flat.push(i);
  });
  return [offsets, flat];
}

describe("forEachOffset", () => {
  it("visits a contiguous tensor's offsets in order", () => {
    expect(visits(arange(6).reshape(2, 3))).toEqual([
      [0, 1, 2, 3, 4, 5],
      [0, 1, 2, 3, 4, 5],
    ]);
  });

  it("visits a transposed view in its row-major order", () => {
    expect(visits(arange(6).reshape(2, 3).T)).toEqual([
      [0, 3, 1, 4, 2, 5],
      [0, 1, 2, 3, 4, 5],
    ]);
  });

  it("walks a 3-D permuted view", () => {
    // (2, 3, 4).transpose(1, 0, 2): shape (3, 2, 4), strides [4, 12, 1]
    const [offsets] = visits(cube().transpose(1, 0, 2));
    expect(offsets).toEqual([0, 1, 2, 3, 12, 13, 14, 15, 4, 5, 6, 7, 16, 17, 18, 19, 8, 9, 10, 11, 20, 21, 22, 23]);
  });

  it("starts at the view's offset", () => {
    expect(visits(arange(6).reshape(3, 2).slice(1))[0]).toEqual([2, 3, 4, 5]);
  });

  it("visits a 0-d tensor once and an empty one never", () => {
    expect(visits(tensor(1))).toEqual([[0], [0]]);
    expect(visits(zeros([2, 0]))).toEqual([[], []]);
    expect(visits(zeros([0, 3]))).toEqual([[], []]);
  });
});

describe("flatValues", () => {
  it("returns a subarray of the buffer when contiguous", () => {
    const x = arange(6).slice(2, 5);
    const v = flatValues(x);
    expect(Array.from(v)).toEqual([2, 3, 4]);
    expect(v.buffer).toBe(ndOf(x).data.buffer);
  });

  it("gathers a non-contiguous view into a new buffer of its dtype", () => {
    const x = arange(6, { dtype: "float32" }).reshape(2, 3).T;
    const v = flatValues(x);
    expect(v).toBeInstanceOf(Float32Array);
    expect(Array.from(v)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(v.buffer).not.toBe(ndOf(x).data.buffer);
  });
});

describe("contiguous", () => {
  it("returns a contiguous tensor itself", () => {
    const x = arange(4);
    expect(contiguous(x)).toBe(x);
  });

  it("copies when asked or when the tensor is a strided view", () => {
    const x = arange(4).reshape(2, 2);
    const c = contiguous(x, true);
    expect(c).not.toBe(x);
    expect(ndOf(c).data).not.toBe(ndOf(x).data);
    const t = contiguous(x.T);
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(ndOf(t).data)).toEqual([0, 2, 1, 3]);
  });
});

describe("normalizeAxis", () => {
  it("maps negative axes from the end", () => {
    expect(normalizeAxis("op", -1, 3)).toBe(2);
    expect(normalizeAxis("op", -3, 3)).toBe(0);
    expect(normalizeAxis("op", 1, 3)).toBe(1);
  });

  it("throws ShapeError naming the op for a bad axis", () => {
    expect(() => normalizeAxis("sum", 3, 3)).toThrow(ShapeError);
    expect(() => normalizeAxis("sum", 3, 3)).toThrow(/^sum: axis 3 is out of bounds for a 3-d tensor$/);
    expect(() => normalizeAxis("sum", -4, 3)).toThrow(/^sum: axis -4 is out of bounds for a 3-d tensor$/);
    expect(() => normalizeAxis("sum", 0.5, 3)).toThrow(/^sum: axis 0.5 is out of bounds for a 3-d tensor$/);
  });
});

describe("T / transpose", () => {
  it("T swaps the axes of a matrix", () => {
    const y = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]).T;
    expect(y.shape).toEqual([3, 2]);
    expect(y.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it("T reverses all axes of a 3-D tensor", () => {
    const y = cube().T;
    expect(y.shape).toEqual([4, 3, 2]);
    expect(y.get(3, 0, 1)).toBe(15);
    expect((y.toArray() as number[][][])[3]).toEqual([
      [3, 15],
      [7, 19],
      [11, 23],
    ]);
  });

  it("T of a 1-D tensor is the same vector", () => {
    expect(arange(3).T.shape).toEqual([3]);
    expect(arange(3).T.toArray()).toEqual([0, 1, 2]);
  });

  it("permutes by the given axes", () => {
    const y = cube().transpose(1, 0, 2);
    expect(y.shape).toEqual([3, 2, 4]);
    expect(y.toArray()).toEqual([
      [
        [0, 1, 2, 3],
        [12, 13, 14, 15],
      ],
      [
        [4, 5, 6, 7],
        [16, 17, 18, 19],
      ],
      [
        [8, 9, 10, 11],
        [20, 21, 22, 23],
      ],
    ]);
  });

  it("accepts negative axes", () => {
    const y = cube().transpose(-1, 0, 1);
    expect(y.shape).toEqual([4, 2, 3]);
    expect(y.toArray()).toEqual([
      [
        [0, 4, 8],
        [12, 16, 20],
      ],
      [
        [1, 5, 9],
        [13, 17, 21],
      ],
      [
        [2, 6, 10],
        [14, 18, 22],
      ],
      [
        [3, 7, 11],
        [15, 19, 23],
      ],
    ]);
  });

  it("is a view: same buffer, writes show both ways", () => {
    const x = zeros([2, 3]);
    const y = x.T;
    expect(ndOf(y).data).toBe(ndOf(x).data);
    x.set([0, 2], 5);
    expect(y.get(2, 0)).toBe(5);
    y.set([1, 1], 8);
    expect(x.get(1, 1)).toBe(8);
  });

  it("throws ShapeError for axes that are not a permutation", () => {
    const x = zeros([2, 3]);
    expect(() => x.transpose(0, 0)).toThrow(ShapeError);
    expect(() => x.transpose(0, 0)).toThrow(/^transpose: axes \[0, 0\] are not a permutation of the 2 axes of \(2, 3\)$/);
    expect(() => x.transpose(0)).toThrow(/^transpose: axes \[0\] are not a permutation of the 2 axes of \(2, 3\)$/);
    expect(() => x.transpose(1, -1)).toThrow(/^transpose: axes \[1, -1\] are not a permutation of the 2 axes of \(2, 3\)$/);
  });

  it("throws ShapeError for an axis out of range", () => {
    expect(() => zeros([2, 3]).transpose(0, 2)).toThrow(ShapeError);
    expect(() => zeros([2, 3]).transpose(0, 2)).toThrow(/^transpose: axis 2 is out of bounds for a 2-d tensor$/);
  });
});

describe("slice", () => {
  const x = () => arange(12).reshape(4, 3);

  it("takes rows start..end along the first axis", () => {
    const y = x().slice(1, 3);
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([
      [3, 4, 5],
      [6, 7, 8],
    ]);
  });

  it("runs to the last row by default", () => {
    const y = x().slice(2);
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([
      [6, 7, 8],
      [9, 10, 11],
    ]);
  });

  it("counts negative bounds from the end", () => {
    expect(x().slice(-1).toArray()).toEqual([[9, 10, 11]]);
    expect(x().slice(0, -3).toArray()).toEqual([[0, 1, 2]]);
  });

  it("clamps bounds like Python slicing", () => {
    expect(x().slice(2, 100).shape).toEqual([2, 3]);
    expect(x().slice(-100, 1).toArray()).toEqual([[0, 1, 2]]);
    expect(x().slice(5).shape).toEqual([0, 3]);
    expect(x().slice(3, 1).shape).toEqual([0, 3]);
  });

  it("slices a 1-D and a 3-D tensor", () => {
    expect(arange(5).slice(1, 4).toArray()).toEqual([1, 2, 3]);
    const y = cube().slice(1);
    expect(y.shape).toEqual([1, 3, 4]);
    expect(y.get(0, 2, 3)).toBe(23);
  });

  it("is a view: same buffer, writes show both ways", () => {
    const base = x();
    const y = base.slice(1, 3);
    expect(ndOf(y).data).toBe(ndOf(base).data);
    base.set([2, 0], -6);
    expect(y.get(1, 0)).toBe(-6);
    y.set([0, 2], -5);
    expect(base.get(1, 2)).toBe(-5);
  });

  it("slices rows of a transposed view", () => {
    const base = x();
    const y = base.T.slice(1, 2);
    expect(y.shape).toEqual([1, 4]);
    expect(y.toArray()).toEqual([[1, 4, 7, 10]]);
    base.set([3, 1], 0);
    expect(y.get(0, 3)).toBe(0);
  });

  it("throws ShapeError on a 0-d tensor", () => {
    expect(() => tensor(1).slice(0)).toThrow(ShapeError);
    expect(() => tensor(1).slice(0)).toThrow(/^slice: cannot slice a 0-d tensor$/);
  });
});

describe("take", () => {
  const x = () => arange(12).reshape(4, 3);

  it("gathers rows in the given order, repeats allowed", () => {
    const y = x().take([3, 0, 3]);
    expect(y.shape).toEqual([3, 3]);
    expect(y.toArray()).toEqual([
      [9, 10, 11],
      [0, 1, 2],
      [9, 10, 11],
    ]);
  });

  it("accepts an Int32Array of indices", () => {
    expect(x().take(new Int32Array([2, 1])).toArray()).toEqual([
      [6, 7, 8],
      [3, 4, 5],
    ]);
  });

  it("gathers elements of a 1-D tensor and sub-tensors of a 3-D one", () => {
    expect(arange(5).take([4, 0]).toArray()).toEqual([4, 0]);
    const y = cube().take([1]);
    expect(y.shape).toEqual([1, 3, 4]);
    expect(y.get(0, 0, 0)).toBe(12);
  });

  it("gathers rows of a transposed view", () => {
    expect(x().T.take([2, 0]).toArray()).toEqual([
      [2, 5, 8, 11],
      [0, 3, 6, 9],
    ]);
  });

  it("gathers rows of a sliced view", () => {
    expect(x().slice(1).take([0, 2]).toArray()).toEqual([
      [3, 4, 5],
      [9, 10, 11],
    ]);
  });

  it("gives (0, ...) for no indices", () => {
    expect(x().take([]).shape).toEqual([0, 3]);
  });

  it("copies: writes to the base do not show", () => {
    const base = x();
    const y = base.take([1]);
    expect(ndOf(y).data).not.toBe(ndOf(base).data);
    base.set([1, 0], 100);
    expect(y.get(0, 0)).toBe(3);
  });

  it("keeps the dtype", () => {
    expect(arange(4, { dtype: "float32" }).take([1]).dtype).toBe("float32");
  });

  it("throws RangeError for a row out of bounds", () => {
    expect(() => x().take([0, 4])).toThrow(RangeError);
    expect(() => x().take([0, 4])).toThrow(/^take: row index 4 is out of bounds for 4 rows of \(4, 3\)$/);
    expect(() => x().take([-1])).toThrow(/^take: row index -1 is out of bounds for 4 rows of \(4, 3\)$/);
    expect(() => x().take([1.5])).toThrow(/^take: row index 1.5 is out of bounds for 4 rows of \(4, 3\)$/);
  });

  it("throws ShapeError on a 0-d tensor", () => {
    expect(() => tensor(1).take([0])).toThrow(ShapeError);
    expect(() => tensor(1).take([0])).toThrow(/^take: cannot take rows of a 0-d tensor$/);
  });
});

describe("reshape", () => {
  it("reshapes in row-major order", () => {
    const y = arange(6).reshape(2, 3);
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    const z = cube().reshape(4, 6);
    expect(z.shape).toEqual([4, 6]);
    expect(z.get(1, 0)).toBe(6);
    expect(z.get(3, 5)).toBe(23);
  });

  it("infers one -1 dimension", () => {
    expect(arange(12).reshape(3, -1).shape).toEqual([3, 4]);
    expect(arange(12).reshape(-1, 2, 3).shape).toEqual([2, 2, 3]);
    expect(cube().reshape(-1).shape).toEqual([24]);
  });

  it("reshapes a size-1 tensor to 0-d and back", () => {
    const s = tensor([[5]]).reshape();
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(5);
    expect(s.reshape(1, 1, 1).shape).toEqual([1, 1, 1]);
  });

  it("is a view when contiguous", () => {
    const x = arange(6);
    const y = x.reshape(2, 3);
    expect(ndOf(y).data).toBe(ndOf(x).data);
    x.set([4], 40);
    expect(y.get(1, 1)).toBe(40);
    y.set([0, 0], -1);
    expect(x.get(0)).toBe(-1);
  });

  it("keeps a contiguous slice's offset", () => {
    const base = arange(12).reshape(4, 3);
    const y = base.slice(2).reshape(3, 2);
    expect(y.toArray()).toEqual([
      [6, 7],
      [8, 9],
      [10, 11],
    ]);
    expect(ndOf(y).data).toBe(ndOf(base).data);
  });

  it("copies a transposed view, in row-major order", () => {
    const x = arange(6).reshape(2, 3);
    const y = x.T.reshape(6);
    expect(y.shape).toEqual([6]);
    expect(y.toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(ndOf(y).data).not.toBe(ndOf(x).data);
    x.set([0, 1], 100);
    expect(y.get(2)).toBe(1);
  });

  it("reshapes a 3-D transposed view", () => {
    expect(cube().T.reshape(4, 6).toArray()).toEqual([
      [0, 12, 4, 16, 8, 20],
      [1, 13, 5, 17, 9, 21],
      [2, 14, 6, 18, 10, 22],
      [3, 15, 7, 19, 11, 23],
    ]);
  });

  it("throws ShapeError when the sizes differ", () => {
    expect(() => arange(6).reshape(4)).toThrow(ShapeError);
    expect(() => arange(6).reshape(2, 3).reshape(4, 2)).toThrow(/^reshape: cannot reshape \(2, 3\) \(size 6\) into \(4, 2\)$/);
    expect(() => arange(6).reshape(4, -1)).toThrow(/^reshape: cannot reshape \(6,\) \(size 6\) into \(4, -1\)$/);
  });

  it("throws ShapeError for two -1s or a bad dimension", () => {
    expect(() => arange(6).reshape(-1, -1)).toThrow(/^reshape: cannot reshape \(6,\) \(size 6\) into \(-1, -1\)$/);
    expect(() => arange(6).reshape(-2, -3)).toThrow(/^reshape: cannot reshape \(6,\) \(size 6\) into \(-2, -3\)$/);
    expect(() => arange(6).reshape(1.5, 4)).toThrow(/^reshape: cannot reshape \(6,\) \(size 6\) into \(1.5, 4\)$/);
  });
});

describe("flatten", () => {
  it("flattens to 1-D in row-major order", () => {
    const y = cube().flatten();
    expect(y.shape).toEqual([24]);
    expect(y.get(13)).toBe(13);
  });

  it("flattens a transposed view in its logical order", () => {
    const y = tensor([
      [1, 2],
      [3, 4],
    ]).T.flatten();
    expect(y.shape).toEqual([4]);
    expect(y.toArray()).toEqual([1, 3, 2, 4]);
  });

  it("flattens a 0-d tensor to (1,)", () => {
    expect(tensor(3).flatten().shape).toEqual([1]);
    expect(tensor(3).flatten().toArray()).toEqual([3]);
  });
});
