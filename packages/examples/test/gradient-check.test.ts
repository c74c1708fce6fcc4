import { describe, expect, it } from "vitest";
import type { Tensor } from "@backprop/core";
import { loadMnist } from "@backprop/datasets/node";
import type { Layer } from "@backprop/layers";
import { checkNet, gradientCheckNet, parseNetFlags } from "../src/index.js";
import { cli } from "./helpers.js";

const net = (flags: Record<string, string | boolean>) => parseNetFlags("test", flags, 50);

// narrower nets than the command's default (784-50-10) keep these tests at a second or two; the check is the same
describe("checkNet", () => {
  const data = loadMnist();

  it("passes a TwoLayerNet on MNIST digits with every mean |diff| <= 1e-6, as the book's gradient_check.py", () => {
    const result = checkNet(data, { net: net({ hidden: "8" }), samples: 3, seed: 0, tolerance: 1e-6 });
    expect(Object.keys(result.params)).toEqual(["W1", "b1", "W2", "b2"]);
    for (const d of Object.values(result.params)) {
      expect(d.meanAbsDiff).toBeLessThanOrEqual(1e-6);
      expect(d.maxAbsDiff).toBeGreaterThanOrEqual(d.meanAbsDiff);
    }
    expect(result.passed).toBe(true);
  });

  it("passes tanh, BatchNorm, Dropout and weight decay, gamma and beta included", () => {
    const choice = net({ hidden: "6,5", "batch-norm": true, dropout: "0.3", "weight-decay": "0.1", activation: "tanh" });
    const result = checkNet(data, { net: choice, samples: 3, seed: 0, tolerance: 1e-6 });
    expect(Object.keys(result.params)).toEqual(["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"]);
    expect(result.passed).toBe(true);
  });

  it("fails when one layer of several is broken, and names only the parameters it reaches", () => {
    const config = { net: net({ hidden: "6,5", "batch-norm": true, dropout: "0.3", activation: "tanh" }), samples: 3, seed: 0, tolerance: 1e-6 };
    const broken = gradientCheckNet(data, config);
    const tanh = broken.layers.get("Activation_function2") as Layer;
    const backward = tanh.backward.bind(tanh);
    // the derivative of tanh is 1 - tanh^2; this one forgets the square
    (tanh as { backward(dout: Tensor): Tensor }).backward = (dout) => (backward(dout), dout.mul((tanh as unknown as { out: Tensor }).out.sub(1).neg()));
    const result = checkNet(data, config, broken);
    expect(result.passed).toBe(false);
    const above = Object.entries(result.params).filter(([, d]) => d.meanAbsDiff > 1e-6).map(([name]) => name);
    expect(above).toEqual(expect.arrayContaining(["W2", "gamma2", "beta2"]));
    expect(above).not.toContain("W3");
    expect(above).not.toContain("b3");
  });

  it("fails with exit code 1 when the tolerance is below what central differences can reach", async () => {
    const { code, stdout } = await cli("gradcheck", "--hidden", "4", "--samples", "2", "--tolerance", "1e-15");
    expect(code).toBe(1);
    expect(stdout).toMatch(/^gradient check: TwoLayerNet\(784 -> 4 -> 10, relu\), 2 samples, seed 0$/m);
    expect(stdout).toMatch(/^W1: \d\.\de-\d+ {2}\(max \|diff\| \d\.\de-\d+, max rel error \d\.\de[-+]\d+\)$/m);
    expect(stdout).toMatch(/^FAILED: the mean \|diff\| of W1, b1, W2, b2 is above 1e-15$/m);
  });

  it("prints JSON with every parameter's figures", async () => {
    const { code, stdout } = await cli("gradcheck", "--hidden", "4", "--samples", "2", "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.net).toBe("TwoLayerNet(784 -> 4 -> 10, relu)");
    expect(report.tolerance).toBe(1e-6);
    expect(report.passed).toBe(true);
    expect(Object.keys(report.params)).toEqual(["W1", "b1", "W2", "b2"]);
    expect(Object.keys(report.params.W1)).toEqual(["meanAbsDiff", "maxAbsDiff", "maxRelError"]);
  });

  it("takes the architecture flags: --hidden 6,5 --batch-norm --dropout 0.3 --weight-decay 0.1 --activation tanh passes", async () => {
    const { code, stdout } = await cli("gradcheck", "--hidden", "6,5", "--batch-norm", "--dropout", "0.3", "--weight-decay", "0.1", "--activation", "tanh", "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.net).toBe("MultiLayerNetExtend(784 -> 6 -> 5 -> 10, batchnorm, tanh, dropout 0.3, weight decay 0.1)");
    expect(Object.keys(report.params)).toContain("gamma2");
    expect(report.passed).toBe(true);
  });
});
