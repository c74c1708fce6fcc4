import { Tensor } from "@backprop/core";
import { softmax, type Net } from "@backprop/layers";

/** The layer types whose outputs are a hidden neuron's picture. */
export const ACTIVATION_TYPES: readonly string[] = ["Relu", "Sigmoid", "Tanh"];
/** neuronImages' name of the last entry: the softmax probabilities (classification) or the prediction (regression). */
export const OUTPUT_LAYER = "output";

/**
 * The res x res grid over [-extent, extent]^2, x (res * res, 2): cell (row, col) at index row * res + col, corners
 * included, x1 = -extent + 2 extent col / (res - 1) and x2 = extent - 2 extent row / (res - 1), so that row 0 is the
 * top (x2 = +extent) as on a screen. res 1 is the centre.
 */
export function planeGrid(extent: number, res: number): Tensor {
  if (!Number.isInteger(res) || res < 1) throw new RangeError(`planeGrid: res must be a positive integer, got ${res}`);
  const x = new Float64Array(2 * res * res);
  const step = res === 1 ? 0 : (2 * extent) / (res - 1);
  const start = res === 1 ? 0 : extent;
  for (let row = 0; row < res; row++) {
    for (let col = 0; col < res; col++) {
      x[2 * (row * res + col)] = step * col - start;
      x[2 * (row * res + col) + 1] = start - step * row;
    }
  }
  return Tensor.fromData(x, [res * res, 2]);
}

/** Whether the net classifies (a softmax last layer) rather than regresses. */
function classifies(net: Net): boolean {
  return net.lastLayer.spec().type === "SoftmaxWithLoss";
}

/** The columns of y (n, m) as m Float64Arrays of n. */
function columns(y: Tensor): Float64Array[] {
  const [n, m] = y.shape;
  const data = (y.isContiguous ? y : y.copy()).contiguousData();
  return Array.from({ length: m }, (_, j) => Float64Array.from({ length: n }, (_, i) => data[i * m + j]));
}

/**
 * Every hidden activation layer's output over the planeGrid (by the net's layer name, Activation_function1 ...),
 * then OUTPUT_LAYER (softmax probabilities for classification, the prediction for regression), in inference mode;
 * each as its units, a Float64Array(res * res) per unit in the grid's order (row 0 at y = +extent).
 */
export function neuronImages(net: Net, extent: number, res: number): { layer: string; units: Float64Array[] }[] {
  const images: { layer: string; units: Float64Array[] }[] = [];
  let out = planeGrid(extent, res);
  for (const [name, layer] of net.layers) {
    out = layer.forward(out, false);
    if (ACTIVATION_TYPES.includes(layer.spec().type)) images.push({ layer: name, units: columns(out) });
  }
  images.push({ layer: OUTPUT_LAYER, units: columns(classifies(net) ? softmax(out) : out) });
  return images;
}

/** The predicted class (argmax of the scores) or, for regression, the predicted value at every cell of the planeGrid. */
export function boundary(net: Net, extent: number, res: number): Float64Array {
  const y = net.predict(planeGrid(extent, res), false);
  if (!classifies(net)) return Float64Array.from(y.contiguousData());
  return Float64Array.from(y.argmax(1).contiguousData());
}
