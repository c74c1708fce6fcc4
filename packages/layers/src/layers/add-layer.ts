import { notForwarded } from "./layer.js";
import { addValues, checkDout, checkOperands, reduceLike, type Value } from "./value.js";
import type { Tensor } from "@backprop/core";

/** Addition node, out = x + y, on numbers or tensors (broadcast as NumPy). */
export class AddLayer {
  private x?: Value;
  private y?: Value;

  forward(x: number, y: number): number;
  forward(x: Value, y: Value): Tensor;
  forward(x: Value, y: Value): Value {
    checkOperands("AddLayer", x, y);
    this.x = x;
    this.y = y;
    return addValues(x, y);
  }

  /** dout -> [dx, dy] = [dout, dout], each summed back to its input's shape. */
  backward(dout: number): [number, number];
  backward(dout: Value): [Value, Value];
  backward(dout: Value): [Value, Value] {
    if (this.x === undefined || this.y === undefined) throw notForwarded("AddLayer");
    checkDout("AddLayer", dout, this.x, this.y);
    return [reduceLike(dout, this.x), reduceLike(dout, this.y)];
  }

  toString(): string {
    return "AddLayer";
  }
}
