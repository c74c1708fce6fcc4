import { Random, full, type DType, type Tensor } from "@backprop/core";
import { numericalGradients } from "../gradient/gradient-check.js";
import type { BuildContext, Layer, LayerSpec } from "../layers/layer.js";
import { LAYERS } from "../layers/registry.js";
import type { Loss, LossSpec } from "../losses/loss.js";
import { LOSSES } from "../losses/registry.js";
import { countCorrect } from "../training/metrics.js";
import { asRandomState, randomState, type State, type StateRecord } from "../training/state.js";

/** A layer of a net as JSON: its name in the net, its spec, and the net's names of its parameters. */
export type NamedLayerSpec = LayerSpec & { name: string; params?: Record<string, string> };

/** A net as JSON: everything but the numbers, which model files store as arrays by parameter name. */
export interface NetSpec {
  name: string;
  layers: NamedLayerSpec[];
  loss: LossSpec;
  weightDecayLambda: number;
}

export interface NetOptions {
  /** The class name shown by toString and kept in model files (default "Net"). */
  name?: string;
  /** The book's weight_decay_lambda: loss += lambda/2 * sum of W^2 over the decayed weights, dW += lambda * W. */
  weightDecayLambda?: number;
  /** The generator of the net's random layers, such as Dropout's masks; it is part of the net's state. */
  rng?: Random;
}

/** Where a net's parameter lives: the layer and its own name there (Affine1's `W` is the net's `W1`). */
interface ParamEntry {
  name: string;
  layer: Layer;
  key: string;
  decayed: boolean;
}

/**
 * A network as the book builds one: an ordered Map of named layers and a last layer that gives the loss.
 * Backprop walks the Map in reverse; each parameter's gradient comes from the layer that holds that very tensor.
 * Parameters are named after their layer's number, as the book does: Affine1's W and b are W1 and b1,
 * BatchNorm2's gamma is gamma2.  x: (N, inputSize) -> scores (N, outputSize).
 */
export class Net {
  readonly name: string;
  /** The layers in forward order. */
  readonly layers: Map<string, Layer>;
  readonly lastLayer: Loss;
  /** Every parameter by its name in the net: the layers' own tensors, which an optimizer updates in place. */
  readonly params: Record<string, Tensor> = {};
  readonly weightDecayLambda: number;
  readonly rng: Random;
  /** The loss of the last `loss` or `gradient`, weight decay included. */
  lastLoss?: number;
  private readonly entries: ParamEntry[] = [];

  constructor(layers: Iterable<readonly [string, Layer]>, lastLayer: Loss, options: NetOptions = {}) {
    this.name = options.name ?? "Net";
    this.layers = new Map(layers);
    this.lastLayer = lastLayer;
    this.weightDecayLambda = options.weightDecayLambda ?? 0;
    if (!Number.isFinite(this.weightDecayLambda) || this.weightDecayLambda < 0) {
      throw new RangeError(`${this.name}: weightDecayLambda must be a non-negative number, got ${this.weightDecayLambda}`);
    }
    this.rng = options.rng ?? new Random(0);
    for (const [layerName, layer] of this.layers) {
      for (const [key, p] of Object.entries(layer.params?.() ?? {})) {
        const name = paramName(layerName, key);
        if (name in this.params) throw new RangeError(`${this.name}: two parameters are named ${name} (${layerName}'s ${key} and another)`);
        this.params[name] = p;
        this.entries.push({ name, layer, key, decayed: layer.decayed?.includes(key) ?? false });
      }
    }
  }

  /** The net a spec describes, with fresh parameters from `context` (zeros, ones for BatchNorm's gamma) to be loaded. */
  static fromSpec(spec: NetSpec, context: BuildContext = buildContext("float64")): Net {
    const layers = spec.layers.map((layer): [string, Layer] => [layer.name, LAYERS.fromSpec(layer, context)]);
    return new Net(layers, LOSSES.fromSpec(spec.loss, undefined), { name: spec.name, weightDecayLambda: spec.weightDecayLambda, rng: context.rng });
  }

  get dtype(): DType {
    return Object.values(this.params)[0]?.dtype ?? "float64";
  }

  /** Scores before the last layer. `train` is the book's train_flg (Dropout and BatchNorm behave as in training). */
  predict(x: Tensor, train = false): Tensor {
    let out = x;
    for (const layer of this.layers.values()) out = layer.forward(out, train);
    return out;
  }

  /** The last layer's mean loss plus weight decay.  t: what the last layer takes (class indices or one-hot, ...). */
  loss(x: Tensor, t: Tensor, train = false): number {
    const y = this.predict(x, train);
    let weightDecay = 0;
    if (this.weightDecayLambda > 0) {
      for (const { name, decayed } of this.entries) if (decayed) weightDecay += 0.5 * this.weightDecayLambda * sumOfSquares(this.params[name]);
    }
    this.lastLoss = this.lastLayer.forward(y, t) + weightDecay;
    return this.lastLoss;
  }

  /** The fraction of rows whose highest score is the label. */
  accuracy(x: Tensor, t: Tensor): number {
    const y = this.predict(x, false);
    return countCorrect(`${this.name}.accuracy`, y, t) / y.shape[0];
  }

  /** Gradients of the loss (in training mode) by backpropagation, by parameter name. */
  gradient(x: Tensor, t: Tensor): Record<string, Tensor> {
    this.loss(x, t, true);
    let dout = this.lastLayer.backward(1);
    const layers = [...this.layers.values()];
    for (let k = layers.length - 1; k > 0; k--) dout = layers[k].backward(dout);
    // the first layer's input is the data, whose gradient nobody needs
    const first = layers[0];
    if (first?.backwardParams) first.backwardParams(dout);
    else if (first?.params) first.backward(dout);
    const grads: Record<string, Tensor> = {};
    for (const { name, layer, key, decayed } of this.entries) {
      const g = (layer.grads as () => Record<string, Tensor>)()[key];
      grads[name] = decayed && this.weightDecayLambda > 0 ? g.add(this.params[name].mul(this.weightDecayLambda)) : g;
    }
    return grads;
  }

  /** Gradients of the training-mode loss by central differences, with one Dropout mask throughout (see numericalGradients). */
  numericalGradient(x: Tensor, t: Tensor): Record<string, Tensor> {
    return numericalGradients(this, x, t);
  }

  /** A snapshot of what the net keeps besides its parameters: its generator and its layers' states. */
  state(): State {
    const layers: StateRecord = {};
    for (const [name, layer] of this.layers) if (layer.state) layers[name] = layer.state();
    return { rng: randomState(this.rng), layers };
  }

  restore(state: State): void {
    const { rng, layers } = state as { rng: State; layers: StateRecord };
    for (const [name, layer] of this.layers) {
      if (!layer.restore) continue;
      if (!(name in (layers ?? {}))) throw new RangeError(`${this.name}.restore: the state has nothing for ${name}`);
      layer.restore(layers[name]);
    }
    this.rng.restore(asRandomState(rng));
  }

  spec(): NetSpec {
    const layers = [...this.layers].map(([name, layer]): NamedLayerSpec => {
      const params = this.entries.filter((e) => e.layer === layer).map((e) => [e.key, e.name]);
      return { name, ...layer.spec(), ...(params.length > 0 ? { params: Object.fromEntries(params) } : {}) };
    });
    return { name: this.name, layers, loss: this.lastLayer.spec(), weightDecayLambda: this.weightDecayLambda };
  }

  /** `MultiLayerNetExtend(784 -> 100 -> 100 -> 10, relu, batchnorm, dropout 0.2)`: the sizes, then the layers' tags. */
  toString(): string {
    const weights = this.entries.filter((e) => e.decayed).map((e) => this.params[e.name]);
    const sizes = weights.length > 0 ? [weights[0].shape[0], ...weights.map((W) => W.shape[W.ndim - 1])] : [];
    const tags = [...new Set([...this.layers.values()].flatMap((layer) => (layer.tag ? [layer.tag] : [])))];
    if (this.weightDecayLambda > 0) tags.push(`weight decay ${this.weightDecayLambda}`);
    return `${this.name}(${[sizes.join(" -> "), ...tags].filter((s) => s !== "").join(", ")})`;
  }
}

/** Parameters of `dtype` filled as asked, and a generator for the net's random layers. */
export function buildContext(dtype: DType, rng: Random = new Random(0)): BuildContext {
  return { param: (shape, value = 0) => full(shape, value, { dtype }), rng, dtype };
}

/** The net's name of a layer's parameter: `W` of Affine1 is W1; of a layer without a number, `Layer.W`. */
export function paramName(layerName: string, key: string): string {
  const number = /(\d+)$/.exec(layerName)?.[1];
  return number === undefined ? `${layerName}.${key}` : `${key}${number}`;
}

/** The sum of the squares of W's elements, in row-major order: the weight decay's sum, which traceNet repeats to the bit. */
export function sumOfSquares(W: Tensor): number {
  const data = (W.isContiguous ? W : W.copy()).contiguousData();
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i] * data[i];
  return s;
}
