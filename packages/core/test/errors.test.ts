import { describe, expect, it } from "vitest";
import { AllocationError, BackendError, ShapeError, arange, formatShape, tensor, zeros } from "../src/index.js";

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("formatShape", () => {
  it("writes shapes as NumPy does", () => {
    expect(formatShape([2, 3])).toBe("(2, 3)");
    expect(formatShape([2, 3, 4])).toBe("(2, 3, 4)");
    expect(formatShape([4])).toBe("(4,)");
    expect(formatShape([0])).toBe("(0,)");
    expect(formatShape([])).toBe("()");
  });
});

describe("ShapeError", () => {
  it("is an Error named ShapeError carrying its message", () => {
    const e = new ShapeError("op: bad shape (2, 3)");
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.name).toBe("ShapeError");
    expect(e.message).toBe("op: bad shape (2, 3)");
    expect(String(e)).toBe("ShapeError: op: bad shape (2, 3)");
  });

  it("is what the ops throw for shape problems", () => {
    const e = thrown(() => zeros([2, 3]).add(zeros([4])));
    expect(e).toBeInstanceOf(ShapeError);
    expect((e as Error).name).toBe("ShapeError");
    expect(String(e)).toBe("ShapeError: add: cannot broadcast (2, 3) with (4,)");
  });

  it("is not a RangeError", () => {
    expect(thrown(() => arange(6).reshape(4))).not.toBeInstanceOf(RangeError);
    expect(thrown(() => zeros([2, 3]).dot(zeros([4, 5])))).not.toBeInstanceOf(RangeError);
    expect(thrown(() => zeros([2, 3]).sum(2))).not.toBeInstanceOf(RangeError);
  });
});

describe("RangeError vs ShapeError", () => {
  it("an index out of bounds is a RangeError, not a ShapeError", () => {
    const get = thrown(() => zeros([2, 3]).get(2, 0));
    expect(get).toBeInstanceOf(RangeError);
    expect(get).not.toBeInstanceOf(ShapeError);
    const take = thrown(() => arange(3).take([3]));
    expect(take).toBeInstanceOf(RangeError);
    expect(take).not.toBeInstanceOf(ShapeError);
  });

  it("the wrong number of indices is a ShapeError", () => {
    expect(thrown(() => zeros([2, 3]).get(1))).toBeInstanceOf(ShapeError);
  });

  it("a ragged array and item() on many elements are ShapeErrors", () => {
    expect(thrown(() => tensor([[1], [2, 3]]))).toBeInstanceOf(ShapeError);
    expect(thrown(() => arange(2).item())).toBeInstanceOf(ShapeError);
  });
});

describe("AllocationError and BackendError", () => {
  it("an AllocationError is a RangeError named AllocationError", () => {
    const e = thrown(() => zeros([1e6, 1e6]));
    expect(e).toBeInstanceOf(AllocationError);
    expect(e).toBeInstanceOf(RangeError);
    expect(e).not.toBeInstanceOf(ShapeError);
    expect(String(e)).toBe("AllocationError: zeros: cannot allocate (1000000, 1000000) = 1000000000000 float64 values (8000 GB)");
  });

  it("a BackendError is an Error named BackendError, not a RangeError", () => {
    const e = new BackendError('BACKPROP_KERNEL must be "ts", "wasm" or unset, got "gpu"');
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(RangeError);
    expect(String(e)).toBe('BackendError: BACKPROP_KERNEL must be "ts", "wasm" or unset, got "gpu"');
  });
});
