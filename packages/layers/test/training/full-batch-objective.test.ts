import { describe, expect, test } from "vitest";
import { Random } from "@backprop/core";
import { FullBatchObjective, MultiLayerNet, MultiLayerNetExtend, TwoLayerNet, flattenParams, type Net } from "../../src/index.js";
import { CLASSES, DIM, blobs } from "./blobs.js";

const net = (): Net => new MultiLayerNet(DIM, [5], CLASSES, { weightInitStd: 0.3, seed: 2, weightDecayLambda: 0.1 });
const set = blobs(10, new Random("objective"));
const thetaOf = (n: Net): Float64Array => flattenParams(n.params).contiguousData() as Float64Array;

describe("FullBatchObjective", () => {
  test("in one chunk it is the net's loss and gradient on every sample, bit for bit", () => {
    const reference = net();
    const { x, t } = set.slice(0, 10);
    const grads = reference.gradient(x, t);
    const objective = new FullBatchObjective(net(), set);
    const { loss, grad } = objective.evaluate(thetaOf(reference));
    expect(loss).toBe(reference.lastLoss);
    expect(Array.from(grad)).toEqual(Array.from(flattenParams(grads).contiguousData()));
  });

  test("in chunks of 3, 3, 3 and 1 samples it is the same mean, to rounding", () => {
    const whole = new FullBatchObjective(net(), set).evaluate(thetaOf(net()));
    const chunked = new FullBatchObjective(net(), set, 3).evaluate(thetaOf(net()));
    expect(Math.abs(chunked.loss - whole.loss)).toBeLessThan(1e-15 * whole.loss);
    const scale = Math.max(...whole.grad.map(Math.abs));
    chunked.grad.forEach((g, i) => expect(Math.abs(g - whole.grad[i])).toBeLessThan(1e-15 * scale * 10));
  });

  test("its gradient is the central difference of its loss (weight decay included)", () => {
    const objective = new FullBatchObjective(net(), set, 4);
    const theta = thetaOf(net());
    const grad = Float64Array.from(objective.evaluate(theta).grad);
    const h = 1e-5;
    for (const i of [0, 7, 39, 40, 44, theta.length - 1]) {
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[i] += h;
      minus[i] -= h;
      const numerical = (objective.evaluate(plus).loss - objective.evaluate(minus).loss) / (2 * h);
      // the book's cross-entropy takes log(y + 1e-7), a delta its backward (y - t) / N leaves out: they part by ~1e-7
      expect(Math.abs(numerical - grad[i]), `parameter ${i}`).toBeLessThan(1e-6);
    }
  });

  test("a point asked for twice in a row is computed once; evaluating leaves the net at θ", () => {
    const n = net();
    const objective = new FullBatchObjective(n, set);
    const theta = thetaOf(n).map((v) => v * 0.5);
    objective.evaluate(theta);
    objective.evaluate(Float64Array.from(theta));
    expect(objective.evaluations).toBe(1);
    expect(Array.from(thetaOf(n))).toEqual(Array.from(theta));
    objective.evaluate(theta.map((v) => v + 1e-3));
    expect(objective.evaluations).toBe(2);
  });

  test("float32 nets, nets with dropout and a θ of the wrong length are one-line errors", () => {
    expect(() => new FullBatchObjective(new TwoLayerNet(DIM, 5, CLASSES, { dtype: "float32" }), set)).toThrow(/^FullBatchObjective: TwoLayerNet\(8 -> 5 -> 3, relu\) is float32, expected float64/);
    const dropout = new MultiLayerNetExtend(DIM, [4], CLASSES, { useDropout: true });
    expect(() => new FullBatchObjective(dropout, set)).toThrow(/^FullBatchObjective: .*'s Dropout1 draws a new mask at every gradient/);
    expect(() => new FullBatchObjective(net(), set).evaluate(new Float64Array(3))).toThrow("FullBatchObjective.evaluate: θ has 3 values, expected the net's 63 parameters");
  });
});

describe("FullBatchObjective with batch norm", () => {
  test("is refused: it would normalize by each chunk and move its running statistics at every gradient", () => {
    const batchNorm = new MultiLayerNetExtend(DIM, [4], CLASSES, { useBatchnorm: true });
    expect(() => new FullBatchObjective(batchNorm, set)).toThrow(/^FullBatchObjective: .*'s BatchNorm1 normalizes by each chunk's statistics/);
  });
});
