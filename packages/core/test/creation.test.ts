import { describe, expect, it } from "vitest";
import { AllocationError, Random, ShapeError, Tensor, arange, full, ones, onesLike, rand, randn, tensor, zeros, zerosLike, type DType } from "../src/index.js";
import { allocate, ndOf } from "../src/tensor.js";

describe("tensor", () => {
  it("makes a 0-d tensor from a number", () => {
    const x = tensor(3.5);
    expect(x.shape).toEqual([]);
    expect(x.toArray()).toBe(3.5);
  });

  it("makes 1-D, 2-D and 3-D tensors from nested arrays", () => {
    const a = tensor([1, 2, 3]);
    expect(a.shape).toEqual([3]);
    expect(a.toArray()).toEqual([1, 2, 3]);
    const b = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(b.shape).toEqual([2, 3]);
    expect(Array.from(ndOf(b).data)).toEqual([1, 2, 3, 4, 5, 6]);
    const c = tensor([[[1], [2]], [[3], [4]], [[5], [6]]]);
    expect(c.shape).toEqual([3, 2, 1]);
    expect(c.get(2, 1, 0)).toBe(6);
  });

  it("makes empty tensors", () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  it("accepts typed arrays", () => {
    const x = tensor(new Float64Array([0.5, 1.5]));
    expect(x.shape).toEqual([2]);
    expect(x.toArray()).toEqual([0.5, 1.5]);
  });

  it("copies the values", () => {
    const src = [1, 2];
    const x = tensor(src);
    src[0] = 10;
    expect(x.get(0)).toBe(1);
  });

  it("is float64 by default and float32 when told", () => {
    expect(tensor([0.1]).dtype).toBe("float64");
    expect(tensor([0.1]).get(0)).toBe(0.1);
    const y = tensor([0.1, 2], { dtype: "float32" });
    expect(y.dtype).toBe("float32");
    expect(ndOf(y).data).toBeInstanceOf(Float32Array);
    expect(y.toArray()).toEqual([0.10000000149011612, 2]);
  });

  it("keeps NaN and infinities", () => {
    expect(tensor([NaN, Infinity, -Infinity]).toArray()).toEqual([NaN, Infinity, -Infinity]);
  });

  it("throws TypeError for what is not numbers in nested arrays", () => {
    expect(() => tensor(["ab"] as unknown as number[])).toThrow(/^tensor: expected numbers in nested arrays, got "ab"$/);
    expect(() => tensor([null] as unknown as number[])).toThrow(/^tensor: expected numbers in nested arrays, got null$/);
    expect(() => tensor([[1], [null]] as unknown as number[][])).toThrow(TypeError);
  });

  it("throws ShapeError for a ragged nested array", () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(/^tensor: ragged nested array, expected 2 items at \[1\] to make \(2, 2\), got 1 items$/);
    expect(() => tensor([[1, 2], 3])).toThrow(/^tensor: ragged nested array, expected 2 items at \[1\] to make \(2, 2\), got a number$/);
    expect(() => tensor([[[1, 2]], [[3, 4, 5]]])).toThrow(/^tensor: ragged nested array, expected 2 items at \[1\]\[0\] to make \(2, 1, 2\), got 3 items$/);
  });

  it("throws ShapeError for an array where a number belongs", () => {
    expect(() => tensor([1, [2, 3]])).toThrow(ShapeError);
    expect(() => tensor([1, [2, 3]])).toThrow(/^tensor: expected a number at \[1\], got \[2,3\]$/);
  });
});

describe("full / zeros / ones", () => {
  it("full fills the shape with the value", () => {
    const x = full([2, 3], 7);
    expect(x.shape).toEqual([2, 3]);
    expect(x.toArray()).toEqual([
      [7, 7, 7],
      [7, 7, 7],
    ]);
  });

  it("full of [] is a 0-d tensor", () => {
    const x = full([], -2);
    expect(x.shape).toEqual([]);
    expect(x.item()).toBe(-2);
  });

  it("zeros and ones", () => {
    const z = zeros([3]);
    expect(z.shape).toEqual([3]);
    expect(z.toArray()).toEqual([0, 0, 0]);
    const o = ones([2, 1, 2]);
    expect(o.shape).toEqual([2, 1, 2]);
    expect(o.toArray()).toEqual([[[1, 1]], [[1, 1]]]);
  });

  it("makes zero-size tensors", () => {
    expect(zeros([0, 4]).shape).toEqual([0, 4]);
    expect(zeros([0, 4]).size).toBe(0);
  });

  it("is float64 by default and float32 when told", () => {
    expect(zeros([2]).dtype).toBe("float64");
    expect(ones([2], { dtype: "float32" }).dtype).toBe("float32");
    const f = full([2], 0.1, { dtype: "float32" });
    expect(f.dtype).toBe("float32");
    expect(f.toArray()).toEqual([0.10000000149011612, 0.10000000149011612]);
  });

  it("throws ShapeError for a negative or fractional dimension", () => {
    expect(() => zeros([2, -1])).toThrow(ShapeError);
    expect(() => zeros([2, -1])).toThrow(/^zeros: shape must be a list of non-negative integers, got \[2,-1\]$/);
    expect(() => ones([-3])).toThrow(/^ones: shape must be a list of non-negative integers, got \[-3\]$/);
    expect(() => arange(-1)).toThrow(/^arange: shape must be a list of non-negative integers, got \[-1\]$/);
    expect(() => full([1.5], 0)).toThrow(/^full: shape must be a list of non-negative integers, got \[1.5\]$/);
  });
});

describe("zerosLike / onesLike", () => {
  it("copy the shape and dtype, not the values", () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: "float32" },
    );
    const z = zerosLike(x);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe("float32");
    expect(z.toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const o = onesLike(x);
    expect(o.shape).toEqual([2, 3]);
    expect(o.dtype).toBe("float32");
    expect(o.toArray()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
  });

  it("follow a view's shape and own a new buffer", () => {
    const x = arange(6).reshape(2, 3);
    const o = onesLike(x.T);
    expect(o.shape).toEqual([3, 2]);
    expect(ndOf(o).data).not.toBe(ndOf(x).data);
    expect(x.get(0, 0)).toBe(0);
  });
});

describe("arange", () => {
  it("counts 0 .. n-1", () => {
    const x = arange(5);
    expect(x.shape).toEqual([5]);
    expect(x.toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(x.dtype).toBe("float64");
  });

  it("is empty for n = 0", () => {
    expect(arange(0).shape).toEqual([0]);
  });

  it("takes a dtype", () => {
    const x = arange(3, { dtype: "float32" });
    expect(x.dtype).toBe("float32");
    expect(x.toArray()).toEqual([0, 1, 2]);
  });
});

describe("randn", () => {
  it("has the shape and is deterministic for a seed", () => {
    const a = randn([2, 3], new Random(5));
    const b = randn([2, 3], new Random(5));
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe("float64");
    expect(Array.from(ndOf(a).data)).toEqual(Array.from(ndOf(b).data));
    expect(new Set(ndOf(a).data).size).toBe(6);
  });

  it("draws rng.normal() in row-major order and consumes exactly size draws", () => {
    const rng = new Random(7);
    const x = randn([3], rng);
    // first pair of Box-Muller normals for seed "7", computed independently (see random.test.ts)
    expect(x.get(0)).toBeCloseTo(0.3637860177325008, 12);
    expect(x.get(1)).toBeCloseTo(0.8801395849677033, 12);
    const ref = new Random(7);
    const expected = [ref.normal(), ref.normal(), ref.normal(), ref.normal()];
    expect(x.toArray()).toEqual(expected.slice(0, 3));
    expect(rng.normal()).toBe(expected[3]);
  });

  it("rounds to float32 when told", () => {
    const x = randn([4], new Random(3), { dtype: "float32" });
    const y = randn([4], new Random(3));
    expect(x.dtype).toBe("float32");
    expect(x.toArray()).toEqual((y.toArray() as number[]).map(Math.fround));
  });

  it("throws ShapeError for a bad shape", () => {
    expect(() => randn([-1], new Random(0))).toThrow(/^randn: shape must be a list of non-negative integers, got \[-1\]$/);
  });
});

describe("rand", () => {
  it("has the shape, values in [0, 1), drawn from rng.random()", () => {
    const x = rand([4, 5], new Random(11));
    expect(x.shape).toEqual([4, 5]);
    const values = Array.from(ndOf(x).data);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const ref = new Random(11);
    expect(values).toEqual(Array.from({ length: 20 }, () => ref.random()));
  });

  it("starts with the seed's first double", () => {
    // seedrandom's Alea, seed "42", first double, computed independently (see random.test.ts)
    expect(rand([1], new Random(42)).item()).toBe(0.6848634964661496);
  });

  it("takes a dtype", () => {
    expect(rand([2], new Random(1), { dtype: "float32" }).dtype).toBe("float32");
  });

  it("throws ShapeError for a bad shape", () => {
    expect(() => rand([2.5], new Random(0))).toThrow(/^rand: shape must be a list of non-negative integers, got \[2.5\]$/);
  });
});

describe("an unknown dtype", () => {
  const bad = "float16" as DType;

  it("is a RangeError naming the op, never a silent float32", () => {
    const message = (op: string) => new RegExp(`^${op}: dtype must be "float64" or "float32", got "float16"$`);
    expect(() => zeros([2], { dtype: bad })).toThrow(message("zeros"));
    expect(() => ones([2], { dtype: bad })).toThrow(message("ones"));
    expect(() => full([2], 3, { dtype: bad })).toThrow(message("full"));
    expect(() => arange(3, { dtype: bad })).toThrow(message("arange"));
    expect(() => randn([2], new Random(0), { dtype: bad })).toThrow(message("randn"));
    expect(() => rand([2], new Random(0), { dtype: bad })).toThrow(message("rand"));
    expect(() => tensor([1, 2], { dtype: bad })).toThrow(message("tensor"));
    expect(() => tensor([1, 2]).astype(bad)).toThrow(message("astype"));
    expect(() => allocate(bad, 2)).toThrow(message("allocate"));
    expect(() => zeros([2], { dtype: bad })).toThrow(RangeError);
  });

  it("shows what it got, whatever it is", () => {
    expect(() => zeros([2], { dtype: "Float64" as DType })).toThrow(/^zeros: dtype must be "float64" or "float32", got "Float64"$/);
    expect(() => zeros([2], { dtype: 64 as unknown as DType })).toThrow(/^zeros: dtype must be "float64" or "float32", got 64$/);
    expect(() => zeros([2], { dtype: null as unknown as DType })).toThrow(/^zeros: dtype must be "float64" or "float32", got null$/);
    // left out, it is float64
    expect(zeros([2], { dtype: undefined }).dtype).toBe("float64");
  });

  it("Tensor.fromData takes only float64 and float32 buffers", () => {
    expect(() => Tensor.fromData(new Uint8Array(2) as unknown as Float64Array, [2])).toThrow(/^fromData: data must be a Float64Array or a Float32Array, got Uint8Array$/);
    expect(() => Tensor.fromData([1, 2] as unknown as Float64Array, [2])).toThrow(/^fromData: data must be a Float64Array or a Float32Array, got Array$/);
    expect(() => Tensor.fromData(null as unknown as Float64Array, [2])).toThrow(TypeError);
  });
});

describe("a tensor too large to allocate", () => {
  /** The error `f` throws. */
  function thrown(f: () => unknown): Error {
    try {
      f();
    } catch (error) {
      return error as Error;
    }
    throw new Error("expected a throw");
  }

  it("is an AllocationError, a RangeError, naming the op, the shape, the values and their size", () => {
    const e = thrown(() => zeros([784, 1e9]));
    expect(e).toBeInstanceOf(AllocationError);
    expect(e).toBeInstanceOf(RangeError);
    expect(e.name).toBe("AllocationError");
    // 784e9 values of 8 bytes: 6.272e12 bytes
    expect(e.message).toBe("zeros: cannot allocate (784, 1000000000) = 784000000000 float64 values (6272 GB)");
    expect(thrown(() => ones([784, 1e9], { dtype: "float32" })).message).toBe("ones: cannot allocate (784, 1000000000) = 784000000000 float32 values (3136 GB)");
  });

  it("reaches every way of making a tensor: random draws, filled tensors, results of ops", () => {
    const rng = new Random(0);
    expect(() => randn([1e5, 1e5], rng)).toThrow(/^randn: cannot allocate \(100000, 100000\) = 10000000000 float64 values \(80 GB\)$/);
    expect(() => rand([1e5, 1e5], rng)).toThrow(/^rand: cannot allocate \(100000, 100000\) = 10000000000 float64 values \(80 GB\)$/);
    expect(() => full([3, 2 ** 40], 1)).toThrow(/^full: cannot allocate \(3, 1099511627776\) = 3298534883328 float64 values \(26390 GB\)$/);
    expect(() => arange(2 ** 40)).toThrow(/^arange: cannot allocate \(1099511627776,\) = 1099511627776 float64 values \(8796 GB\)$/);
    // a broadcast result: (1e5, 1) + (1, 1e5)
    const column = zeros([1e5, 1]);
    expect(() => column.add(column.T)).toThrow(/^add: cannot allocate \(100000, 100000\) = 10000000000 float64 values \(80 GB\)$/);
    expect(() => column.dot(column.T)).toThrow(/^dot: cannot allocate \(100000, 100000\) = /);
    expect(() => randn([1e5, 1e5], rng)).toThrow(AllocationError);
  });

  it("a size beyond the safe integers says so too, without trying", () => {
    expect(thrown(() => zeros([1e10, 1e10])).message).toBe("zeros: cannot allocate (10000000000, 10000000000) = 100000000000000000000 float64 values (800000000000 GB)");
    expect(thrown(() => zeros([1e200, 1e200])).message).toBe("zeros: cannot allocate (1e+200, 1e+200) = Infinity float64 values (Infinity GB)");
    // 2^60 = 1152921504606846976, which JavaScript writes to 17 digits
    expect(thrown(() => allocate("float64", 2 ** 60)).message).toBe("allocate: cannot allocate (1152921504606847000,) = 1152921504606847000 float64 values (9223000000 GB)");
  });

  it("an engine that cannot allocate gives the same error, its own as the cause", () => {
    const Real = Float64Array;
    class Refusing extends Real {
      constructor(...args: unknown[]) {
        if (args[0] === 1000) throw new RangeError("Array buffer allocation failed");
        super(...(args as [number]));
      }
    }
    globalThis.Float64Array = Refusing as unknown as Float64ArrayConstructor;
    let e: Error;
    try {
      e = thrown(() => zeros([10, 100]));
    } finally {
      globalThis.Float64Array = Real;
    }
    expect(e).toBeInstanceOf(AllocationError);
    expect(e.message).toBe("zeros: cannot allocate (10, 100) = 1000 float64 values (0.008 MB)");
    expect((e.cause as Error).message).toBe("Array buffer allocation failed");
  });

  it("a size that is not a count is a plain RangeError", () => {
    expect(() => allocate("float64", -1)).toThrow(/^allocate: size must be a non-negative integer, got -1$/);
    expect(() => allocate("float64", 2.5)).toThrow(/^allocate: size must be a non-negative integer, got 2\.5$/);
    expect(() => allocate("float64", NaN)).toThrow(/^allocate: size must be a non-negative integer, got NaN$/);
    expect(thrown(() => allocate("float64", -1))).not.toBeInstanceOf(AllocationError);
  });
});
