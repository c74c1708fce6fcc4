import type { Mnist } from "@backprop/datasets";
import { TwoLayerNet, gradientCheck, type GradientDiff } from "@backprop/layers";

export interface GradientCheckConfig {
  hidden: number;
  samples: number;
  seed: number;
  tolerance: number;
}

export interface GradientCheckResult {
  params: Record<string, GradientDiff>;
  tolerance: number;
  passed: boolean;
}

/**
 * The book's gradient_check.py: a TwoLayerNet(784, hidden, 10) from `seed`, the first `samples` training digits,
 * backprop against numerical gradients. Passes when every mean |diff| is at most `tolerance`.
 */
export function checkTwoLayerNet(data: Mnist, config: GradientCheckConfig): GradientCheckResult {
  const inputSize = data.xTrain.size / data.xTrain.shape[0];
  const net = new TwoLayerNet(inputSize, config.hidden, 10, { seed: config.seed });
  const x = data.xTrain.slice(0, config.samples);
  const t = data.tTrain.slice(0, config.samples);
  const params = gradientCheck(net, x, t);
  // a NaN difference must fail, so test for "<=" rather than against ">"
  const passed = Object.values(params).every((d) => d.meanAbsDiff <= config.tolerance);
  return { params, tolerance: config.tolerance, passed };
}
