import { Random, randn, zeros, type DType, type Tensor } from "@backprop/core";
import { Affine } from "./affine";
import { numericalGradient } from "./gradient";
import type { Layer } from "./layer";
import { Relu } from "./relu";
import { SoftmaxWithLoss } from "./softmax-with-loss";
import { classIndices } from "./functions";

export interface TwoLayerNetOptions {
  /** Standard deviation of the initial weights (the book's weight_init_std). */
  weightInitStd?: number;
  /** Seed of the generator that draws the initial weights. */
  seed?: number | string;
  dtype?: DType;
}

/**
 * The book's two-layer network: Affine1 -> Relu1 -> Affine2, then SoftmaxWithLoss.
 * x: (N, inputSize) -> scores (N, outputSize).
 */
export class TwoLayerNet {
  /** W1 (inputSize, hiddenSize), b1 (hiddenSize), W2 (hiddenSize, outputSize), b2 (outputSize). */
  readonly params: Record<string, Tensor>;
  /** The layers in forward order; backprop walks them in reverse. */
  readonly layers: Map<string, Layer>;
  readonly lastLayer = new SoftmaxWithLoss();

  constructor(inputSize: number, hiddenSize: number, outputSize: number, options: TwoLayerNetOptions = {}) {
    const { weightInitStd = 0.01, seed = 0, dtype = "float64" } = options;
    for (const [name, n] of Object.entries({ inputSize, hiddenSize, outputSize })) {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`TwoLayerNet: ${name} must be a positive integer, got ${n}`);
    }
    const rng = new Random(seed);
    this.params = {
      W1: randn([inputSize, hiddenSize], rng, { dtype }).mul(weightInitStd),
      b1: zeros([hiddenSize], { dtype }),
      W2: randn([hiddenSize, outputSize], rng, { dtype }).mul(weightInitStd),
      b2: zeros([outputSize], { dtype }),
    };
    this.layers = new Map<string, Layer>([
      ["Affine1", new Affine(this.params.W1, this.params.b1)],
      ["Relu1", new Relu()],
      ["Affine2", new Affine(this.params.W2, this.params.b2)],
    ]);
  }

  /** Scores before the softmax.  x: (N, inputSize) -> (N, outputSize). */
  predict(x: Tensor): Tensor {
    let out = x;
    for (const layer of this.layers.values()) out = layer.forward(out);
    return out;
  }

  /** Mean cross-entropy loss.  t: (N) class indices or (N, outputSize) one-hot. */
  loss(x: Tensor, t: Tensor): number {
    return this.lastLayer.forward(this.predict(x), t);
  }

  /** The fraction of rows whose highest score is the label. */
  accuracy(x: Tensor, t: Tensor): number {
    const y = this.predict(x);
    const labels = classIndices("TwoLayerNet.accuracy", t, y.shape[0], y.shape[1]);
    const guesses = y.argmax(1).nd.data;
    let correct = 0;
    labels.forEach((label, i) => {
      if (guesses[i] === label) correct++;
    });
    return correct / labels.length;
  }

  /** Gradients of the loss by numerical differentiation (slow: two losses per parameter element). */
  numericalGradient(x: Tensor, t: Tensor): Record<string, Tensor> {
    const grads: Record<string, Tensor> = {};
    for (const [name, p] of Object.entries(this.params)) grads[name] = numericalGradient(() => this.loss(x, t), p);
    return grads;
  }

  /** Gradients of the loss by backpropagation, by parameter name. */
  gradient(x: Tensor, t: Tensor): Record<string, Tensor> {
    this.loss(x, t);
    let dout = this.lastLayer.backward(1);
    const layers = [...this.layers.values()].reverse();
    layers.forEach((layer, k) => {
      // the first layer's input is the data, whose gradient nobody needs
      if (k === layers.length - 1 && layer.backwardParams) layer.backwardParams(dout);
      else dout = layer.backward(dout);
    });
    return this.gatherGrads();
  }

  toString(): string {
    const { W1, W2 } = this.params;
    return `TwoLayerNet(${W1.shape[0]} -> ${W1.shape[1]} -> ${W2.shape[1]})`;
  }

  // each parameter's gradient is found at the layer that holds that very tensor
  private gatherGrads(): Record<string, Tensor> {
    const grads: Record<string, Tensor> = {};
    for (const layer of this.layers.values()) {
      const layerGrads = layer.grads?.() ?? {};
      for (const [key, p] of Object.entries(layer.params?.() ?? {})) {
        const name = Object.keys(this.params).find((n) => this.params[n] === p);
        if (name) grads[name] = layerGrads[key];
      }
    }
    return grads;
  }
}
