import { ShapeError, Tensor, formatShape, type DType, type Random } from "@backprop/core";
import type { State } from "../training/state.js";

/** A layer as JSON: its type (the class's `type`) and the options that, with its parameters, rebuild it. */
export interface LayerSpec {
  type: string;
  [option: string]: unknown;
}

/**
 * A layer of the book: `forward` keeps what `backward` needs; `backward(dout)` returns dx, the gradient of the
 * loss with respect to the input, and never changes `dout`. `train` is the book's train_flg: true while
 * training (Dropout drops, BatchNormalization uses the batch's statistics), false for inference; layers that
 * behave the same either way ignore it.
 */
export interface Layer {
  forward(x: Tensor, train?: boolean): Tensor;
  backward(dout: Tensor): Tensor;
  /** The parameters' gradients without dx, where the input needs none (the first layer of a net). */
  backwardParams?(dout: Tensor): void;
  /** The layer's parameters by name (`W`, `b`): the very tensors the network holds, not copies. */
  params?(): Record<string, Tensor>;
  /** The loss gradients by parameter name (`W` -> dW), as of the last `backward`. */
  grads?(): Record<string, Tensor>;
  /** The parameters that weight decay applies to (Affine's `W`). */
  readonly decayed?: readonly string[];
  /** A snapshot of what the layer keeps besides its parameters (BatchNormalization's running statistics). */
  state?(): State;
  restore?(state: State): void;
  /** The layer's type and options as JSON, for model files. */
  spec(): LayerSpec;
  /** How the layer shows in its net's one-line summary (`relu`, `dropout 0.2`); none for Affine, which gives the sizes. */
  readonly tag?: string;
  toString(): string;
}

/** What a layer type needs to rebuild a layer from its spec: fresh parameters and the net's generator. */
export interface BuildContext {
  /** A new parameter tensor of the net's dtype, filled with `value` (its saved values are assigned afterwards). */
  param(shape: readonly number[], value?: number): Tensor;
  /** The generator of the net's random layers (Dropout's masks). */
  rng: Random;
  dtype: DType;
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

/** Throws unless `value` is a finite number in [min, max) (or [min, max] with `inclusive`), naming the option. */
export function checkOption(where: string, name: string, value: unknown, min: number, max: number, inclusive = false): number {
  const ok = typeof value === "number" && Number.isFinite(value) && value >= min && (inclusive ? value <= max : value < max);
  if (!ok) throw new RangeError(`${where}: ${name} must be a number in [${min}, ${max}${inclusive ? "]" : ")"}, got ${describeValue(value)}`);
  return value as number;
}

/** A value as an error message shows it: numbers as JavaScript prints them (NaN, Infinity), tensors by shape, else JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value instanceof Tensor) return String(value);
  return JSON.stringify(value) ?? String(value);
}
