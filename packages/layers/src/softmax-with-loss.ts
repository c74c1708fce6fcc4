import { ShapeError, formatShape, type Tensor } from "@backprop/core";
import { classIndices, meanNegativeLog, softmax } from "./functions";

/**
 * Softmax followed by the cross-entropy loss, the network's last layer.
 * x: (N, C) scores; t: (N) class indices or (N, C) one-hot -> the mean loss, a number.
 */
export class SoftmaxWithLoss {
  loss?: number;
  /** The softmax output of the last forward, (N, C). */
  y?: Tensor;
  private labels?: Int32Array;

  forward(x: Tensor, t: Tensor): number {
    if (x.ndim !== 2) throw new ShapeError(`SoftmaxWithLoss.forward: x must be (N, C), got ${formatShape(x.shape)}`);
    const [n, classes] = x.shape;
    this.labels = classIndices("SoftmaxWithLoss.forward", t, n, classes);
    this.y = softmax(x);
    this.loss = meanNegativeLog(this.y, this.labels);
    return this.loss;
  }

  /** dout (the loss's own gradient, 1 by default) -> dx = (y - t) / N * dout: (N, C). */
  backward(dout = 1): Tensor {
    if (!this.y || !this.labels) throw new Error("SoftmaxWithLoss.backward: called before forward");
    if (!Number.isFinite(dout)) throw new RangeError(`SoftmaxWithLoss.backward: dout must be a finite number, got ${dout}`);
    const dx = this.y.copy();
    const n = dx.shape[0];
    this.labels.forEach((label, i) => dx.set([i, label], dx.get(i, label) - 1));
    // the loss is a mean over the batch, so each sample's gradient carries 1 / N
    return dx.idiv(n).imul(dout);
  }

  toString(): string {
    return "SoftmaxWithLoss";
  }
}
