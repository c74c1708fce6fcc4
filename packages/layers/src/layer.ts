import { ShapeError, formatShape, type Tensor } from "@backprop/core";

/**
 * A layer of the book: `forward` keeps what `backward` needs; `backward(dout)` returns dx, the gradient of the
 * loss with respect to the input, and never changes `dout`.
 */
export interface Layer {
  forward(x: Tensor): Tensor;
  backward(dout: Tensor): Tensor;
  /** The parameters' gradients without dx, where the input needs none (the first layer of a net). */
  backwardParams?(dout: Tensor): void;
  /** The layer's parameters by name (`W`, `b`): the very tensors the network holds, not copies. */
  params?(): Record<string, Tensor>;
  /** The loss gradients by parameter name (`W` -> dW), as of the last `backward`. */
  grads?(): Record<string, Tensor>;
}

/** The error for a `backward` called before any `forward`. */
export function notForwarded(where: string): Error {
  return new Error(`${where}.backward: called before forward`);
}

/** Throws unless `dout` has exactly the shape of the forward output. */
export function checkDout(where: string, dout: Tensor, out: readonly number[]): void {
  if (dout.ndim !== out.length || dout.shape.some((n, d) => n !== out[d])) {
    throw new ShapeError(`${where}.backward: dout must be ${formatShape(out)} to match the forward output, got ${formatShape(dout.shape)}`);
  }
}
