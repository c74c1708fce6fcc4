import type { Tensor } from "@backprop/core";

/** A loss as JSON: its type (the class's `type`) and options. */
export interface LossSpec {
  type: string;
  [option: string]: unknown;
}

/**
 * A net's last layer: the output function and the loss together, as the book pairs them (softmax with
 * cross-entropy, identity with squared error), so that backward is the simple (y - t) / N.
 */
export interface Loss {
  /** The mean loss over the batch of scores y against targets t. */
  forward(y: Tensor, t: Tensor): number;
  /** dout (the loss's own gradient, 1 by default) -> dy, the shape of the last forward's y. */
  backward(dout?: number): Tensor;
  /** The last forward's loss. */
  readonly loss?: number;
  spec(): LossSpec;
  toString(): string;
}

/** The error for a loss's `backward` before its `forward`, or with a dout that is not a finite number. */
export function checkLossDout(where: string, forwarded: boolean, dout: number): void {
  if (!forwarded) throw new Error(`${where}.backward: called before forward`);
  if (!Number.isFinite(dout)) throw new RangeError(`${where}.backward: dout must be a finite number, got ${dout}`);
}
