import { ShapeError, formatShape, sizeOf, type Tensor } from "@backprop/core";
import { checkDout, notForwarded, type BuildContext, type Layer, type LayerSpec } from "./layer.js";

/**
 * Fully connected layer, out = x·W + b.  x: (N, D) -> out: (N, M);  W: (D, M), b: (M).
 * An input of more dimensions, such as images (N, 1, 28, 28), is flattened to (N, D) as the book does.
 */
export class Affine implements Layer {
  static readonly type = "Affine";
  readonly decayed = ["W"];
  W: Tensor;
  b: Tensor;
  dW?: Tensor;
  db?: Tensor;
  private x?: Tensor;
  private originalXShape?: readonly number[];

  constructor(W: Tensor, b: Tensor) {
    if (W.ndim !== 2 || b.ndim !== 1 || b.shape[0] !== W.shape[1]) {
      throw new ShapeError(`Affine: W must be (D, M) and b (M), got W ${formatShape(W.shape)} and b ${formatShape(b.shape)}`);
    }
    this.W = W;
    this.b = b;
  }

  /** { type: "Affine", inputSize: D, outputSize: M } -> W (D, M) and b (M) of zeros, to be loaded. */
  static fromSpec(spec: LayerSpec, context: BuildContext): Affine {
    const { inputSize, outputSize } = spec;
    for (const [name, n] of Object.entries({ inputSize, outputSize })) {
      if (!Number.isInteger(n) || (n as number) <= 0) throw new RangeError(`Affine: ${name} must be a positive integer, got ${JSON.stringify(n)}`);
    }
    return new Affine(context.param([inputSize as number, outputSize as number]), context.param([outputSize as number]));
  }

  forward(x: Tensor): Tensor {
    const [D, M] = this.W.shape;
    if (x.ndim < 2 || sizeOf(x.shape.slice(1)) !== D) {
      throw new ShapeError(`Affine.forward: x must be (N, ${D}) to match W (${D}, ${M}), got ${formatShape(x.shape)}`);
    }
    this.originalXShape = x.shape;
    this.x = x.reshape(x.shape[0], D);
    // the product is ours alone, so the bias can be added in place
    return this.x.dot(this.W).iadd(this.b);
  }

  /** dout: (N, M) -> dx: the shape of x;  keeps dW: (D, M) and db: (M). */
  backward(dout: Tensor): Tensor {
    this.backwardParams(dout);
    return dout.dot(this.W.T).reshape(...(this.originalXShape as number[]));
  }

  /** dW and db only: for a first layer, whose input is data and needs no gradient (dx is a third of a step's work). */
  backwardParams(dout: Tensor): void {
    if (!this.x || !this.originalXShape) throw notForwarded("Affine");
    checkDout("Affine", dout, [this.x.shape[0], this.W.shape[1]]);
    this.dW = this.x.T.dot(dout);
    this.db = dout.sum(0);
  }

  params(): Record<string, Tensor> {
    return { W: this.W, b: this.b };
  }

  grads(): Record<string, Tensor> {
    if (!this.dW || !this.db) throw new Error("Affine.grads: no gradients before the first backward");
    return { W: this.dW, b: this.db };
  }

  spec(): LayerSpec {
    return { type: Affine.type, inputSize: this.W.shape[0], outputSize: this.W.shape[1] };
  }

  toString(): string {
    return `Affine(${this.W.shape[0]} -> ${this.W.shape[1]})`;
  }
}
