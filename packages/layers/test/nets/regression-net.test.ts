import { describe, expect, test } from "vitest";
import { Random, Tensor, rand, randn } from "@backprop/core";
import {
  IdentityWithLoss,
  MultiLayerNet,
  MultiLayerNetExtend,
  RMSprop,
  Trainer,
  TwoLayerNet,
  decodeCheckpoint,
  deserializeModel,
  encodeCheckpoint,
  serializeModel,
  gradientCheck,
  gradientsAgree,
  meanAbsoluteError,
  meanSquaredError,
  resumeTrainer,
  type BatchSource,
} from "../../src/index.js";
import { bitsOf } from "../helpers.js";

// central differences in float64 with h = 1e-4 on a squared error: the error is O(h^2) times the third
// derivative, which ReLU nets only have at kinks; ~1e-10 in practice, so 1e-7 leaves room and still catches a
// backward that is off by any factor
const TOLERANCE = 1e-7;

/** 6 samples of 5 features in [-1, 1) and 2 real-valued targets each. */
function batch(seed: string, outputs = 2): { x: Tensor; t: Tensor } {
  const rng = new Random(seed);
  return { x: rand([6, 5], rng).mul(2).sub(1), t: randn([6, outputs], rng) };
}

/** The wrong-backward twin: forgets that the loss is a mean over the batch (dy = y - t, N times too large). */
class SumBackwardLoss extends IdentityWithLoss {
  override backward(dout = 1): Tensor {
    return super.backward(dout).mul((this.y as Tensor).shape[0]);
  }
}

describe("IdentityWithLoss through a whole net", () => {
  test("backprop agrees with numerical gradients for every parameter: MultiLayerNet, deeper, with weight decay", () => {
    const { x, t } = batch("mlp");
    const nets = [
      new TwoLayerNet(5, 4, 2, { weightInitStd: 0.5, seed: 1, lastLayer: new IdentityWithLoss() }),
      new MultiLayerNet(5, [6, 4], 2, { seed: 2, lastLayer: new IdentityWithLoss() }),
      new MultiLayerNet(5, [6, 4, 3], 2, { seed: 3, activation: "tanh", weightDecayLambda: 0.1, lastLayer: new IdentityWithLoss() }),
    ];
    for (const net of nets) {
      const diffs = gradientCheck(net, x, t);
      expect(Object.keys(diffs)).toEqual(Object.keys(net.params));
      expect(gradientsAgree(diffs, TOLERANCE), `${net}: ${JSON.stringify(diffs)}`).toBe(true);
    }
  });

  test("with BatchNorm in training mode, one output", () => {
    const { x, t } = batch("bn", 1);
    const net = new MultiLayerNetExtend(5, [6, 4], 1, { seed: 4, useBatchnorm: true, lastLayer: new IdentityWithLoss() });
    expect(gradientsAgree(gradientCheck(net, x, t), TOLERANCE)).toBe(true);
  });

  test("the twin that drops the 1/N fails the same check", () => {
    const { x, t } = batch("twin");
    const right = new MultiLayerNet(5, [6, 4], 2, { seed: 2, lastLayer: new IdentityWithLoss() });
    const wrong = new MultiLayerNet(5, [6, 4], 2, { seed: 2, lastLayer: new SumBackwardLoss() });
    // the twin's forward is the same loss; only its backward is wrong
    expect(wrong.loss(x, t)).toBe(right.loss(x, t));
    expect(gradientsAgree(gradientCheck(wrong, x, t), TOLERANCE)).toBe(false);
    expect(gradientsAgree(gradientCheck(right, x, t), TOLERANCE)).toBe(true);
  });

  test("the net keeps its loss in its spec and a model file: a regression net loads as one", () => {
    const net = new MultiLayerNet(5, [6], 1, { seed: 5, lastLayer: new IdentityWithLoss() });
    expect(net.spec().loss).toEqual({ type: "IdentityWithLoss" });
    const { net: loaded } = deserializeModel(serializeModel(net), "r.bpm");
    expect(loaded.lastLayer).toBeInstanceOf(IdentityWithLoss);
    const { x } = batch("load", 1);
    expect(bitsOf(loaded.predict(x))).toEqual(bitsOf(net.predict(x)));
  });
});

/** y = x . w + 0.1 noise, 3 features, standardized units: a table in the shape a trainer reads. */
class Linear implements BatchSource {
  readonly x: Float64Array;
  readonly y: Float64Array;

  constructor(
    readonly length: number,
    rng: Random,
  ) {
    const w = [1, -2, 0.5];
    this.x = randn([length, 3], rng).contiguousData() as Float64Array;
    const noise = randn([length], rng).contiguousData();
    this.y = Float64Array.from({ length }, (_, i) => w.reduce((s, wj, j) => s + wj * this.x[i * 3 + j], 0) + 0.1 * noise[i]);
  }

  batch(indices: ArrayLike<number>): { x: Tensor; t: Tensor } {
    const idx = Array.from(indices);
    return {
      x: Tensor.fromData(Float64Array.from(idx.flatMap((i) => [...this.x.subarray(i * 3, i * 3 + 3)])), [idx.length, 3]),
      t: Tensor.fromData(Float64Array.from(idx.map((i) => this.y[i])), [idx.length, 1]),
    };
  }

  slice(start: number, end: number): { x: Tensor; t: Tensor } {
    return this.batch(Array.from({ length: Math.min(end, this.length) - start }, (_, i) => start + i));
  }
}

describe("a regression run", () => {
  const SCALE = 50;
  const setup = (): Trainer => {
    const rng = new Random("linear");
    const train = new Linear(200, rng);
    const test = new Linear(100, rng);
    const net = new MultiLayerNet(3, [16], 1, { seed: 6, lastLayer: new IdentityWithLoss() });
    return new Trainer(net, new RMSprop(0.01, 0.9), train, test, { batchSize: 16, iters: 260, seed: 7, metrics: [meanAbsoluteError(SCALE), meanSquaredError(SCALE)] });
  };

  test("MAE and MSE fall towards the noise, in the target's units, on both sets", async () => {
    const trainer = setup();
    await trainer.run();
    const h = trainer.history;
    expect(Object.keys(h)).toEqual(["loss", "evalIterations", "trainMae", "trainMse", "testMae", "testMse"]);
    // predicting 0 for a target of std sqrt(1 + 4 + 0.25) ~ 2.3 would be MAE ~ 1.8 std = 90 units; the noise
    // alone is MAE 0.1 * sqrt(2 / pi) * 50 ~ 4 units
    expect(h.testMae[0]).toBeLessThan(80);
    expect(h.testMae.at(-1)).toBeLessThan(15);
    expect(h.testMae.at(-1)).toBeLessThan(h.testMae[0] / 3);
    // MSE >= MAE^2 (Jensen), in units squared
    for (const set of ["train", "test"]) h[`${set}Mse`].forEach((mse, k) => expect(mse).toBeGreaterThanOrEqual(h[`${set}Mae`][k] ** 2));
  });

  test("a checkpoint keeps the metrics' scale and resumes bit for bit", async () => {
    const whole = setup();
    await whole.run();
    const part = setup();
    await part.run({ shouldStop: () => part.iteration >= 100 });
    const checkpoint = decodeCheckpoint(encodeCheckpoint(part), "r.ckpt");
    expect(checkpoint.config.metrics).toEqual([{ name: "mae", scale: SCALE }, { name: "mse", scale: SCALE }]);
    const resumed = resumeTrainer(checkpoint, part.train, part.test);
    await resumed.run();
    expect(resumed.history.testMae).toEqual(whole.history.testMae);
    for (const name of Object.keys(whole.net.params)) expect(bitsOf(resumed.net.params[name]), name).toEqual(bitsOf(whole.net.params[name]));
  });
});
