import type { Tensor } from "@backprop/core";

/** A parameter of a traced layer: its name in the net (W1), in the layer (W), its value (a copy) and dL/d(value). */
export interface ParamTrace {
  name: string;
  key: string;
  value: Tensor;
  /** The layer's gradient, plus lambda * value for a weight-decayed parameter, as Net.gradient gives it. */
  grad: Tensor;
  decayed: boolean;
}

/** One layer of the Map in one pass: x -> out forward, dout -> dx backward (dx of the first layer is dL/d(data)). */
export interface LayerTrace {
  name: string;
  /** The layer's type, from its spec: Affine, Relu, BatchNormalization, Dropout, ... */
  type: string;
  x: Tensor;
  out: Tensor;
  /** dL/d(out), which the next layer's backward (or the loss's) gave. */
  dout: Tensor;
  /** dL/dx, what this layer's backward returned. */
  dx: Tensor;
  params: ParamTrace[];
}

/** The net's last layer in the pass: scores y against targets t, the loss and dL/dy. */
export interface LossTrace {
  type: string;
  y: Tensor;
  t: Tensor;
  /** The loss as net.loss gives it: dataLoss + weightDecay. */
  loss: number;
  /** The last layer's mean loss. */
  dataLoss: number;
  /** lambda/2 * sum of W^2 over the decayed weights (0 without weight decay). */
  weightDecay: number;
  dy: Tensor;
  /** What the last layer makes of y, where it keeps it: softmax's probabilities, the identity's y. */
  out?: Tensor;
}

/** One forward and backward pass through a net, layer by layer, in the Map's order. */
export interface NetTrace {
  /** The net's one-line description (its toString). */
  net: string;
  layers: LayerTrace[];
  loss: LossTrace;
}
