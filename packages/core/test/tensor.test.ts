import { describe, expect, it } from "vitest";
import ndarray from "ndarray";
import { ShapeError, Tensor, arange, tensor, zeros } from "../src/index.js";
import { allocate, sizeOf, stridesOf, ndOf } from "../src/tensor.js";

describe("stridesOf / sizeOf / allocate", () => {
  it("gives row-major strides", () => {
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(stridesOf([5])).toEqual([1]);
    expect(stridesOf([])).toEqual([]);
  });

  it("multiplies the dimensions, 1 for a 0-d shape", () => {
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([3, 0])).toBe(0);
  });

  it("allocates a zeroed buffer of the dtype", () => {
    const a = allocate("float64", 3);
    const b = allocate("float32", 2);
    expect(a).toBeInstanceOf(Float64Array);
    expect(Array.from(a)).toEqual([0, 0, 0]);
    expect(b).toBeInstanceOf(Float32Array);
    expect(b.length).toBe(2);
  });
});

describe("Tensor.fromData", () => {
  it("wraps the buffer in row-major order without copying", () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const x = Tensor.fromData(data, [2, 3]);
    expect(x.shape).toEqual([2, 3]);
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(ndOf(x).data).toBe(data);
    data[4] = 50;
    expect(x.get(1, 1)).toBe(50);
  });

  it("throws when the buffer does not fill the shape", () => {
    expect(() => Tensor.fromData(new Float64Array(5), [2, 3])).toThrow(ShapeError);
    expect(() => Tensor.fromData(new Float64Array(5), [2, 3])).toThrow(/^fromData: 5 values cannot fill shape \(2, 3\)$/);
  });
});

describe("new Tensor(ndarray)", () => {
  it("wraps an ndarray whose elements all lie in its data", () => {
    const x = new Tensor(ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [3, 2], [1, 3], 0));
    expect(x.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    // a reversed view starts at its last element
    expect(new Tensor(ndarray(new Float64Array([1, 2, 3]), [3], [-1], 2)).toArray()).toEqual([3, 2, 1]);
    expect(new Tensor(ndarray(new Float64Array(0), [0, 5])).size).toBe(0);
  });

  it("refuses data shorter than the shape, or elements before the start", () => {
    expect(() => new Tensor(ndarray(new Float64Array(5), [2, 3]))).toThrow(ShapeError);
    expect(() => new Tensor(ndarray(new Float64Array(5), [2, 3]))).toThrow(
      /^Tensor: an ndarray of shape \(2, 3\) with strides \[3, 1\] and offset 0 addresses elements 0 to 5, but its data holds 5$/,
    );
    expect(() => new Tensor(ndarray(new Float64Array(6), [2, 3], [3, 1], 1))).toThrow(/addresses elements 1 to 6, but its data holds 6$/);
    expect(() => new Tensor(ndarray(new Float64Array(3), [3], [-1], 1))).toThrow(/addresses elements -1 to 1/);
  });

  it("refuses an element type other than float64 and float32", () => {
    expect(() => new Tensor(ndarray(new Int32Array(4), [4]) as never)).toThrow(/^Tensor: expected an ndarray over a Float64Array or Float32Array, got Int32Array$/);
    expect(() => new Tensor(ndarray([1, 2], [2]) as never)).toThrow(/got Array$/);
  });
});

describe("contiguousData", () => {
  it("is a view of the tensor's own buffer, from its offset, in row-major order", () => {
    const base = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const rows = base.slice(1);
    const data = rows.contiguousData();
    expect(Array.from(data)).toEqual([3, 4, 5, 6]);
    data[0] = 30;
    expect(base.get(1, 0)).toBe(30);
    expect(base.contiguousData()).toBeInstanceOf(Float64Array);
    expect(tensor([1], { dtype: "float32" }).contiguousData()).toBeInstanceOf(Float32Array);
  });

  it("refuses a non-contiguous view", () => {
    expect(() => arange(6).reshape(2, 3).T.contiguousData()).toThrow(/^contiguousData: Tensor\(3, 2\) float64 is a non-contiguous view \(strides \[1, 3\]\); copy\(\) it first$/);
    expect(Array.from(arange(6).reshape(2, 3).T.copy().contiguousData())).toEqual([0, 3, 1, 4, 2, 5]);
  });
});

describe("shape, size, ndim, dtype", () => {
  it("describes a 2-D float64 tensor", () => {
    const x = zeros([100, 784]);
    expect(x.shape).toEqual([100, 784]);
    expect(x.size).toBe(78400);
    expect(x.ndim).toBe(2);
    expect(x.dtype).toBe("float64");
  });

  it("describes a 0-d tensor", () => {
    const x = tensor(3);
    expect(x.shape).toEqual([]);
    expect(x.size).toBe(1);
    expect(x.ndim).toBe(0);
  });

  it("reports float32 for a Float32Array buffer", () => {
    expect(tensor([1, 2], { dtype: "float32" }).dtype).toBe("float32");
  });
});

describe("isContiguous", () => {
  const x = arange(6).reshape(2, 3);

  it("is true for a fresh tensor and a row slice", () => {
    expect(x.isContiguous).toBe(true);
    expect(x.slice(1).isContiguous).toBe(true);
  });

  it("is false for a transposed view", () => {
    expect(x.T.isContiguous).toBe(false);
  });

  it("ignores the stride of size-1 axes", () => {
    // (1, 3).T is (3, 1) with strides [1, 3]: still row-major
    expect(arange(3).reshape(1, 3).T.isContiguous).toBe(true);
  });
});

describe("get", () => {
  const x = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  it("reads one element per index", () => {
    expect(x.get(0, 0)).toBe(1);
    expect(x.get(0, 2)).toBe(3);
    expect(x.get(1, 1)).toBe(5);
  });

  it("counts negative indices from the end", () => {
    expect(x.get(-1, -1)).toBe(6);
    expect(x.get(0, -3)).toBe(1);
    expect(x.get(-2, 1)).toBe(2);
  });

  it("reads through a view's strides and offset", () => {
    expect(x.T.get(2, 1)).toBe(6);
    expect(x.T.get(0, 1)).toBe(4);
    expect(x.slice(1).get(0, 2)).toBe(6);
  });

  it("reads a 0-d tensor with no indices", () => {
    expect(tensor(7).get()).toBe(7);
  });

  it("throws ShapeError for the wrong number of indices", () => {
    expect(() => x.get(0)).toThrow(ShapeError);
    expect(() => x.get(0)).toThrow(/^get: a 2-d tensor of shape \(2, 3\) needs 2 indices, got 1$/);
    expect(() => x.get(0, 0, 0)).toThrow(/^get: a 2-d tensor of shape \(2, 3\) needs 2 indices, got 3$/);
  });

  it("throws RangeError for an index out of bounds", () => {
    expect(() => x.get(0, 3)).toThrow(RangeError);
    expect(() => x.get(0, 3)).toThrow(/^get: index 3 is out of bounds for axis 1 with size 3$/);
    expect(() => x.get(-3, 0)).toThrow(/^get: index -3 is out of bounds for axis 0 with size 2$/);
    expect(() => x.get(0.5, 0)).toThrow(/^get: index 0.5 is out of bounds for axis 0 with size 2$/);
  });
});

describe("set", () => {
  it("writes one element in place", () => {
    const x = zeros([2, 3]);
    x.set([1, 2], 9);
    x.set([-2, 0], 4);
    expect(x.toArray()).toEqual([
      [4, 0, 0],
      [0, 0, 9],
    ]);
  });

  it("writes through a view into the base", () => {
    const x = zeros([2, 3]);
    x.T.set([2, 0], 7);
    expect(x.get(0, 2)).toBe(7);
  });

  it("checks the index like get", () => {
    const x = zeros([2, 3]);
    expect(() => x.set([0], 1)).toThrow(/^set: a 2-d tensor of shape \(2, 3\) needs 2 indices, got 1$/);
    expect(() => x.set([2, 0], 1)).toThrow(RangeError);
    expect(() => x.set([2, 0], 1)).toThrow(/^set: index 2 is out of bounds for axis 0 with size 2$/);
  });
});

describe("item", () => {
  it("returns the element of a size-1 tensor", () => {
    expect(tensor(2.5).item()).toBe(2.5);
    expect(tensor([[4]]).item()).toBe(4);
  });

  it("reads at the view's offset", () => {
    expect(arange(5).slice(3, 4).item()).toBe(3);
  });

  it("throws ShapeError on a tensor of size > 1", () => {
    expect(() => zeros([2, 3]).item()).toThrow(ShapeError);
    expect(() => zeros([2, 3]).item()).toThrow(/^item: only a tensor of size 1 has one item, got \(2, 3\)$/);
    expect(() => zeros([0]).item()).toThrow(/^item: only a tensor of size 1 has one item, got \(0,\)$/);
  });
});

describe("toArray", () => {
  it("gives a number for a 0-d tensor", () => {
    expect(tensor(5).toArray()).toBe(5);
  });

  it("nests a 3-D tensor", () => {
    expect(arange(12).reshape(2, 3, 2).toArray()).toEqual([
      [
        [0, 1],
        [2, 3],
        [4, 5],
      ],
      [
        [6, 7],
        [8, 9],
        [10, 11],
      ],
    ]);
  });

  it("follows a transposed view's logical order", () => {
    expect(arange(6).reshape(2, 3).T.toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
  });

  it("handles empty tensors", () => {
    expect(zeros([0, 3]).toArray()).toEqual([]);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
  });

  it("returns plain arrays, not views of the buffer", () => {
    const x = arange(3);
    const a = x.toArray() as number[];
    a[0] = 100;
    expect(x.get(0)).toBe(0);
  });
});

describe("toString", () => {
  it("names the shape and dtype", () => {
    expect(zeros([100, 784]).toString()).toBe("Tensor(100, 784) float64");
    expect(zeros([4], { dtype: "float32" }).toString()).toBe("Tensor(4) float32");
    expect(tensor(1).toString()).toBe("Tensor() float64");
    expect(String(zeros([2, 3, 4]).T)).toBe("Tensor(4, 3, 2) float64");
  });
});

describe("copy", () => {
  it("owns a fresh buffer with the same values", () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const c = x.copy();
    expect(c.shape).toEqual([2, 2]);
    expect(c.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(ndOf(c).data).not.toBe(ndOf(x).data);
    c.set([0, 0], 10);
    x.set([1, 1], 40);
    expect(x.get(0, 0)).toBe(1);
    expect(c.get(1, 1)).toBe(4);
  });

  it("makes a transposed view contiguous in row-major order", () => {
    const x = arange(6).reshape(2, 3);
    const c = x.T.copy();
    expect(c.shape).toEqual([3, 2]);
    expect(c.isContiguous).toBe(true);
    expect(Array.from(ndOf(c).data)).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it("copies only the view's elements", () => {
    const c = arange(6).slice(2, 4).copy();
    expect(ndOf(c).offset).toBe(0);
    expect(Array.from(ndOf(c).data)).toEqual([2, 3]);
  });

  it("keeps the dtype", () => {
    expect(zeros([2], { dtype: "float32" }).copy().dtype).toBe("float32");
  });
});

describe("astype", () => {
  it("converts float64 to float32, rounding", () => {
    const y = tensor([0.1, 1 / 3, 2.5]).astype("float32");
    expect(y.dtype).toBe("float32");
    expect(y.shape).toEqual([3]);
    expect(y.toArray()).toEqual([0.10000000149011612, 0.3333333432674408, 2.5]);
  });

  it("converts float32 to float64", () => {
    const y = tensor([0.5, 0.1], { dtype: "float32" }).astype("float64");
    expect(y.dtype).toBe("float64");
    expect(ndOf(y).data).toBeInstanceOf(Float64Array);
    expect(y.toArray()).toEqual([0.5, 0.10000000149011612]);
  });

  it("copies even when the dtype is unchanged", () => {
    const x = tensor([1, 2]);
    const y = x.astype("float64");
    expect(ndOf(y).data).not.toBe(ndOf(x).data);
    expect(y.toArray()).toEqual([1, 2]);
  });

  it("converts a transposed view in row-major order", () => {
    const y = arange(6).reshape(2, 3).T.astype("float32");
    expect(y.shape).toEqual([3, 2]);
    expect(Array.from(ndOf(y).data)).toEqual([0, 3, 1, 4, 2, 5]);
  });
});
