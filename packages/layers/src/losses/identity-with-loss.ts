import { ShapeError, formatShape, type Tensor } from "@backprop/core";
import { checkLossDout, type Loss, type LossSpec } from "./loss.js";

/**
 * The identity output with the mean squared error, the last layer for regression:
 * loss = 1/(2N) sum over the batch and outputs of (y - t)^2, the book's sum of squares (with its 1/2) averaged over
 * the N samples, so that dy = (y - t) / N as SoftmaxWithLoss gives.  y: (N, M); t: (N, M), the same shape -> a number.
 */
export class IdentityWithLoss implements Loss {
  static readonly type = "IdentityWithLoss";
  loss?: number;
  /** The output of the last forward, y itself. */
  y?: Tensor;
  private t?: Tensor;

  static fromSpec(): IdentityWithLoss {
    return new IdentityWithLoss();
  }

  forward(y: Tensor, t: Tensor): number {
    if (y.ndim !== 2) throw new ShapeError(`IdentityWithLoss.forward: y must be (N, M), got ${formatShape(y.shape)}`);
    // the mean over no rows is 0 / 0
    if (y.shape[0] === 0) throw new ShapeError(`IdentityWithLoss.forward: y must have at least one row, got ${formatShape(y.shape)}`);
    if (t.ndim !== 2 || t.shape[0] !== y.shape[0] || t.shape[1] !== y.shape[1]) {
      throw new ShapeError(`IdentityWithLoss.forward: t must be ${formatShape(y.shape)} to match y, got ${formatShape(t.shape)}`);
    }
    this.y = y;
    this.t = t;
    const diff = y.sub(t);
    this.loss = (0.5 * diff.mul(diff).sum()) / y.shape[0];
    return this.loss;
  }

  /** dout (1 by default) -> dy = (y - t) / N * dout: (N, M). */
  backward(dout = 1): Tensor {
    checkLossDout("IdentityWithLoss", this.y !== undefined && this.t !== undefined, dout);
    const y = this.y as Tensor;
    // the loss is a mean over the batch, so each sample's gradient carries 1 / N
    return y.sub(this.t as Tensor).idiv(y.shape[0]).imul(dout);
  }

  spec(): LossSpec {
    return { type: IdentityWithLoss.type };
  }

  toString(): string {
    return "IdentityWithLoss";
  }
}
