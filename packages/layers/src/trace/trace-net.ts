import { Tensor } from "@backprop/core";
import { paramName, sumOfSquares, type Net } from "../nets/net.js";
import type { LayerTrace, NetTrace, ParamTrace } from "./net-trace.js";

/**
 * One training-mode forward and backward pass through `net` on x (N, ...) and t, kept layer by layer: each layer's
 * input and output, dL/d(output) and dL/d(input) (the first layer's too, the gradient with respect to the data,
 * which Net.gradient skips), and its parameters with their gradients; then the loss. It is Net.gradient's pass,
 * step for step, so the parameters' gradients are net.gradient(x, t)'s, weight decay included, and the net changes
 * as one call of that does (Dropout draws its masks from the net's generator, BatchNorm updates its running
 * statistics).
 */
export function traceNet(net: Net, x: Tensor, t: Tensor): NetTrace {
  const entries = [...net.layers];
  if (entries.length === 0) throw new RangeError(`traceNet: ${net} has no layers, expected at least one`);
  const forward: { x: Tensor; out: Tensor }[] = [];
  let out = x;
  for (const [, layer] of entries) {
    const input = out;
    out = layer.forward(input, true);
    forward.push({ x: input, out });
  }
  const y = out;
  const dataLoss = net.lastLayer.forward(y, t);
  const weightDecay = weightDecayOf(net);
  const dy = net.lastLayer.backward(1);

  const backward: { dout: Tensor; dx: Tensor }[] = new Array(entries.length);
  let dout = dy;
  for (let k = entries.length - 1; k >= 0; k--) {
    const dx = entries[k][1].backward(dout);
    backward[k] = { dout, dx };
    dout = dx;
  }

  const layers = entries.map(([name, layer], k): LayerTrace => {
    const grads = layer.grads?.() ?? {};
    const params = Object.entries(layer.params?.() ?? {}).map(([key, value]): ParamTrace => {
      const decayed = layer.decayed?.includes(key) ?? false;
      const g = grads[key];
      // the same sum as Net.gradient's, so that the two agree to the last bit
      const grad = decayed && net.weightDecayLambda > 0 ? g.add(value.mul(net.weightDecayLambda)) : g;
      return { name: paramName(name, key), key, value: value.copy(), grad, decayed };
    });
    return { name, type: layer.spec().type, ...forward[k], ...backward[k], params };
  });
  const kept = (net.lastLayer as { y?: unknown }).y;
  return {
    net: String(net),
    layers,
    loss: {
      type: net.lastLayer.spec().type,
      y,
      t,
      loss: dataLoss + weightDecay,
      dataLoss,
      weightDecay,
      dy,
      ...(kept instanceof Tensor ? { out: kept } : {}),
    },
  };
}

/** lambda/2 * sum of W^2 over the decayed weights, summed in Net.loss's order so that the loss is net.loss's. */
function weightDecayOf(net: Net): number {
  const lambda = net.weightDecayLambda;
  if (!(lambda > 0)) return 0;
  let decay = 0;
  for (const [name, layer] of net.layers) {
    for (const key of Object.keys(layer.params?.() ?? {})) {
      if (!(layer.decayed?.includes(key) ?? false)) continue;
      decay += 0.5 * lambda * sumOfSquares(net.params[paramName(name, key)]);
    }
  }
  return decay;
}

