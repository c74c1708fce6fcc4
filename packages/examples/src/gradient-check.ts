import type { Mnist } from "@backprop/datasets";
import { gradientCheck, gradientsAgree, type GradientDiff, type Net } from "@backprop/layers";
import { buildNet, type NetChoice } from "./net-flags.js";

export interface GradientCheckConfig {
  net: NetChoice;
  samples: number;
  seed: number;
  tolerance: number;
}

export interface GradientCheckResult {
  params: Record<string, GradientDiff>;
  tolerance: number;
  passed: boolean;
}

/** The net a gradient check of `config` runs on, in float64, for 784 inputs and 10 classes. */
export function gradientCheckNet(data: Mnist, config: GradientCheckConfig): Net {
  return buildNet(config.net, data.train.imageSize, data.train.classes, config.seed, "float64");
}

/**
 * The book's gradient_check.py for any net of the flags: the net from `seed`, the first `samples` training digits,
 * backprop against numerical gradients in training mode (one Dropout mask for both). Passes when every
 * parameter's mean |diff| is at most `tolerance`: one parameter above it fails the check.
 */
export function checkNet(data: Mnist, config: GradientCheckConfig, net: Net = gradientCheckNet(data, config)): GradientCheckResult {
  const { x, t } = data.train.slice(0, config.samples);
  const params = gradientCheck(net, x, t);
  return { params, tolerance: config.tolerance, passed: gradientsAgree(params, config.tolerance) };
}
