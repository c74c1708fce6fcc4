/** A tensor or layer was given a shape it cannot work with. The message names the op and both shapes. */
export class ShapeError extends Error {
  override name = "ShapeError";
}

/**
 * A tensor too large to allocate: a size that is not a safe integer, beyond what a typed array holds, or more than
 * the engine could give. The message names the op, the shape, the number of values and their bytes.
 */
export class AllocationError extends RangeError {
  override name = "AllocationError";
}

/** The matrix-product kernel that BACKPROP_KERNEL asks for cannot be used. The message names the setting and why. */
export class BackendError extends Error {
  override name = "BackendError";
}

/** NumPy's notation for a shape: `(2, 3)`, `(4,)`, `()`. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** Any value as an error message shows what it got: `"float16"`, `2.5`, `NaN`, `undefined`, `{"a":1}`. */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (value === null || typeof value !== "object") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
