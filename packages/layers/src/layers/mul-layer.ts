import { notForwarded } from "./layer.js";
import { checkDout, checkOperands, mulValues, reduceLike, type Value } from "./value.js";
import type { Tensor } from "@backprop/core";

/** Multiplication node, out = x * y, on numbers or tensors (broadcast as NumPy). */
export class MulLayer {
  private x?: Value;
  private y?: Value;

  forward(x: number, y: number): number;
  forward(x: Value, y: Value): Tensor;
  forward(x: Value, y: Value): Value {
    checkOperands("MulLayer", x, y);
    this.x = x;
    this.y = y;
    return mulValues(x, y);
  }

  /** dout -> [dx, dy] = [dout * y, dout * x], each summed back to its input's shape. */
  backward(dout: number): [number, number];
  backward(dout: Value): [Value, Value];
  backward(dout: Value): [Value, Value] {
    if (this.x === undefined || this.y === undefined) throw notForwarded("MulLayer");
    checkDout("MulLayer", dout, this.x, this.y);
    const dx = reduceLike(mulValues(dout, this.y), this.x);
    const dy = reduceLike(mulValues(dout, this.x), this.y);
    return [dx, dy];
  }

  toString(): string {
    return "MulLayer";
  }
}
