/** A tensor or layer was given a shape it cannot work with. The message names the op and both shapes. */
export class ShapeError extends Error {
  override name = "ShapeError";
}

/** NumPy's notation for a shape: `(2, 3)`, `(4,)`, `()`. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}
