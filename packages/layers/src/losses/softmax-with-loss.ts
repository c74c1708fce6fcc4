import { ShapeError, formatShape, type Tensor } from "@backprop/core";
import { meanNegativeLog, softmax } from "../functions.js";
import { classIndices } from "./labels.js";
import { checkLossDout, type Loss, type LossSpec } from "./loss.js";

/**
 * Softmax followed by the cross-entropy loss, the network's last layer for classification.
 * x: (N, C) scores; t: (N) class indices or (N, C) one-hot -> the mean loss, a number.
 */
export class SoftmaxWithLoss implements Loss {
  static readonly type = "SoftmaxWithLoss";
  loss?: number;
  /** The softmax output of the last forward, (N, C). */
  y?: Tensor;
  private labels?: Int32Array;

  static fromSpec(): SoftmaxWithLoss {
    return new SoftmaxWithLoss();
  }

  forward(x: Tensor, t: Tensor): number {
    if (x.ndim !== 2) throw new ShapeError(`SoftmaxWithLoss.forward: x must be (N, C), got ${formatShape(x.shape)}`);
    const [n, classes] = x.shape;
    // the mean over no rows is 0 / 0
    if (n === 0) throw new ShapeError(`SoftmaxWithLoss.forward: x must have at least one row, got ${formatShape(x.shape)}`);
    this.labels = classIndices("SoftmaxWithLoss.forward", t, n, classes);
    this.y = softmax(x);
    this.loss = meanNegativeLog(this.y, this.labels);
    return this.loss;
  }

  /** dout (the loss's own gradient, 1 by default) -> dx = (y - t) / N * dout: (N, C). */
  backward(dout = 1): Tensor {
    checkLossDout("SoftmaxWithLoss", this.y !== undefined && this.labels !== undefined, dout);
    const dx = (this.y as Tensor).copy();
    const n = dx.shape[0];
    (this.labels as Int32Array).forEach((label, i) => dx.set([i, label], dx.get(i, label) - 1));
    // the loss is a mean over the batch, so each sample's gradient carries 1 / N
    return dx.idiv(n).imul(dout);
  }

  spec(): LossSpec {
    return { type: SoftmaxWithLoss.type };
  }

  toString(): string {
    return "SoftmaxWithLoss";
  }
}
