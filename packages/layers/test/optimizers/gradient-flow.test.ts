import { describe, expect, test } from "vitest";
import { tensor } from "@backprop/core";
import {
  Affine,
  DivergedError,
  GradientFlow,
  IdentityWithLoss,
  Net,
  OPTIMIZERS,
  SGD,
  Trainer,
  TwoLayerNet,
  flattenParams,
  decodeCheckpoint,
  encodeCheckpoint,
  resumeTrainer,
  type BatchSource,
  type TrainerOptions,
} from "../../src/index.js";
import { bitsOf, valuesOf } from "../helpers.js";
import { CLASSES, DIM, data } from "../training/blobs.js";

// six points (x1, x2) -> t for least squares; the minimum of the flow's loss is the solution of the normal equations
const X = [
  [0, 1],
  [1, 0],
  [1, 1],
  [2, 1],
  [0, 3],
  [3, 2],
];
const T = [1, 2, 2.5, 4.5, 3, 6.5];

/** Rows of (x, t) for a regression net, as a BatchSource. */
const points: BatchSource = {
  length: X.length,
  batch: (indices) => ({ x: tensor(Array.from(indices, (i) => X[i])), t: tensor(Array.from(indices, (i) => [T[i]])) }),
  slice: (start, end) => points.batch(Array.from({ length: end - start }, (_, i) => start + i)),
};

/** out = x·W + b with W (2, 1) and b (1) from zero, and the mean squared error: ordinary least squares. */
const linearNet = (): Net => new Net([["Affine1", new Affine(tensor([[0], [0]]), tensor([0]))]], new IdentityWithLoss());

/** The least-squares (w1, w2, b), from the normal equations AᵀA θ = Aᵀt with A = [x1 x2 1], solved by Cramer's rule here. */
function leastSquares(): number[] {
  const A = X.map(([a, b]) => [a, b, 1]);
  const M = [0, 1, 2].map((i) => [0, 1, 2].map((j) => A.reduce((s, row) => s + row[i] * row[j], 0)));
  const v = [0, 1, 2].map((i) => A.reduce((s, row, k) => s + row[i] * T[k], 0));
  const det = (m: number[][]): number =>
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const d = det(M);
  return [0, 1, 2].map((c) => det(M.map((row, i) => row.map((x, j) => (j === c ? v[i] : x)))) / d);
}

const flowOptions = (rest: Partial<TrainerOptions> = {}): TrainerOptions => ({ batchSize: points.length, iters: 500, evalEvery: 1, ...rest });

describe("GradientFlow", () => {
  // H = AᵀA / 6 has eigenvalues 0.19, 1.09 and 4.89, so ‖θ - θ*‖ <= ‖∇L‖ / 0.19. Near θ* RK45's steps sit at its
  // stability limit (h λmax ~ 3.3), where its error keeps ‖∇L‖ about 2e-8: it is given a coarser gtol than BDF
  test.each([
    ["bdf", 1e-9, 1e-8],
    ["rk45", 1e-7, 1e-6],
  ] as const)("%s follows the flow to the least-squares solution of the normal equations", async (method, gtol, tol) => {
    const net = linearNet();
    const trainer = new Trainer(net, new GradientFlow({ method, rtol: 1e-8, atol: 1e-10, gtol }), points, points, { ...flowOptions({ iters: 5000, evalEvery: 1000 }), metrics: [] });
    await trainer.run();
    expect(trainer.stopReason).toBe("gradient");
    const [w1, w2, b] = leastSquares();
    const got = [...valuesOf(net.params.W1), ...valuesOf(net.params.b1)];
    [w1, w2, b].forEach((want, i) => expect(Math.abs(got[i] - want), `parameter ${i}`).toBeLessThan(tol));
    // the flow's loss never rises: along dθ/dt = -∇L, dL/dt = -‖∇L‖² <= 0
    trainer.history.loss.forEach((loss, i) => i > 0 && expect(loss).toBeLessThanOrEqual(trainer.history.loss[i - 1]));
  });

  test("a step is one accepted solver step: the flow history has one entry per step, its times and counts rising", async () => {
    const { train, test: testSet } = data(60);
    const trainer = new Trainer(new TwoLayerNet(DIM, 5, CLASSES, { weightInitStd: 0.3, seed: 3 }), new GradientFlow(), train, testSet, { batchSize: 60, iters: 12, evalEvery: 4 });
    await trainer.run();
    const flow = trainer.flowHistory!;
    expect(trainer.iteration).toBe(12);
    for (const list of Object.values(flow)) expect(list).toHaveLength(12);
    flow.t.forEach((t, i) => expect(t).toBeGreaterThan(i === 0 ? 0 : flow.t[i - 1]));
    flow.evaluations.forEach((n, i) => expect(n).toBeGreaterThan(i === 0 ? 0 : flow.evaluations[i - 1]));
    // 63 parameters: BDF's Jacobian is dense, 63 gradients a column each, and it is factorized at least once
    expect(flow.jacobians.at(-1)).toBeGreaterThanOrEqual(1);
    expect(flow.evaluations.at(-1)).toBeGreaterThanOrEqual(63);
    expect(flow.factorizations.at(-1)).toBeGreaterThanOrEqual(1);
    expect(trainer.history.evalIterations).toEqual([4, 8, 12]);
  });

  test("flowTime stops the run on that very time, with a last evaluation on every sample", async () => {
    const { train, test: testSet } = data(60);
    const trainer = new Trainer(new TwoLayerNet(DIM, 5, CLASSES, { weightInitStd: 0.3, seed: 3 }), new GradientFlow({ method: "rk45", flowTime: 2 }), train, testSet, {
      batchSize: 60,
      iters: 1000,
      evalEvery: 50,
      evalSamples: 10,
    });
    const finals: boolean[] = [];
    await trainer.run({ onEvaluation: (e) => finals.push(e.final) });
    expect(trainer.stopReason).toBe("time");
    expect(trainer.flowHistory!.t.at(-1)).toBe(2);
    expect(trainer.history.evalIterations.at(-1)).toBe(trainer.iteration);
    expect(finals.at(-1)).toBe(true);
    expect(trainer.iteration).toBeLessThan(1000);
  });

  test("a run resumed from its checkpoint takes the very steps of a run never stopped", async () => {
    const make = (): Trainer => {
      const { train, test: testSet } = data(60);
      return new Trainer(new TwoLayerNet(DIM, 5, CLASSES, { weightInitStd: 0.3, seed: 3 }), new GradientFlow({ rtol: 1e-4 }), train, testSet, { batchSize: 60, iters: 16, evalEvery: 4 });
    };
    const straight = make();
    await straight.run();
    const first = make();
    const { train, test: testSet } = data(60);
    await first.run({ shouldStop: () => first.iteration >= 8 });
    const resumed = resumeTrainer(decodeCheckpoint(encodeCheckpoint(first), "flow.ckpt"), train, testSet);
    expect(resumed.optimizer).toBeInstanceOf(GradientFlow);
    // the time spent on evaluations carries over, as the time spent training does
    expect(first.evaluationMs).toBeGreaterThan(0);
    expect(resumed.evaluationMs).toBe(first.evaluationMs);
    await resumed.run();
    expect(resumed.iteration).toBe(16);
    for (const name of Object.keys(straight.net.params)) expect(bitsOf(resumed.net.params[name])).toEqual(bitsOf(straight.net.params[name]));
    expect(resumed.flowHistory!.t).toEqual(straight.flowHistory!.t);
    expect(resumed.history.loss).toEqual(straight.history.loss);
    // the same gradients too: the checkpoint keeps the loss and gradient at its weights, and the solver is built
    // from it, Jacobian and all, evaluating nothing
    const { ms: _a, ...resumedCounts } = resumed.flowHistory!;
    const { ms: _b, ...straightCounts } = straight.flowHistory!;
    expect(resumedCounts).toEqual(straightCounts);
  });

  test("a checkpoint whose solver state does not fit the flow is refused when the trainer restores it", async () => {
    const { train, test: testSet } = data(60);
    const make = (method: "bdf" | "rk45"): Trainer => new Trainer(new TwoLayerNet(DIM, 5, CLASSES, { weightInitStd: 0.3, seed: 3 }), new GradientFlow({ method }), train, testSet, { batchSize: 60, iters: 6 });
    const first = make("bdf");
    for (let i = 0; i < 3; i++) first.step();
    const state = first.optimizer.state();
    expect(() => make("rk45").optimizer.restore(state)).toThrow('GradientFlow.restore: integrator must be null or the state of a rk45 solver, got "a state of method \\"bdf\\""');
    // the right method, the wrong number of parameters: found once the trainer builds the solver on its objective
    const other = new Trainer(new TwoLayerNet(DIM, 4, CLASSES, { seed: 3 }), new GradientFlow(), train, testSet, { batchSize: 60, iters: 6 });
    other.optimizer.restore(state);
    const trainerState = first.state();
    expect(() => other.restore(trainerState)).toThrow(/^(Trainer\.restore: flowPoint must be|Bdf\.restore: y must be a \(54\) tensor)/);
    expect(other.iteration).toBe(0);
  });

  test("a solver that fails leaves the net at the last accepted step's weights and says so in one line", async () => {
    const { train, test: testSet } = data(60);
    // after 40 full-batch passes the data turns to NaN: every gradient from then on is NaN, and BDF's steps shrink to nothing
    let calls = 0;
    const poisoned: BatchSource = {
      length: train.length,
      batch: (indices) => train.batch(indices),
      slice: (start, end) => {
        const { x, t } = train.slice(start, end);
        return { x: ++calls > 40 ? x.mul(Number.NaN) : x, t };
      },
    };
    const trainer = new Trainer(new TwoLayerNet(DIM, 5, CLASSES, { weightInitStd: 0.3, seed: 3 }), new GradientFlow({ method: "rk45" }), poisoned, testSet, { batchSize: 60, iters: 100, evalEvery: 100 });
    let accepted: number[] = [];
    const error = await trainer.run({ onStep: () => (accepted = valuesOf(flattenParams(trainer.net.params))) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DivergedError);
    expect((error as DivergedError).reason).toBe("solver");
    expect((error as Error).message).toMatch(new RegExp(`^the ODE solver failed at iteration ${trainer.iteration + 1}: Rk45\\.step: the step size h = \\S+ fell below 10 \\* spacing\\(t\\) = \\S+ at t = \\S+; training stopped there$`));
    expect(trainer.iteration).toBeGreaterThan(0);
    expect(valuesOf(flattenParams(trainer.net.params))).toEqual(accepted);
  });

  test("non-finite initial weights stop the run before any update, naming them", async () => {
    const net = linearNet();
    net.params.W1.assign(tensor([[Number.NaN], [0]]));
    const trainer = new Trainer(net, new GradientFlow(), points, points, { ...flowOptions({ iters: 5 }), metrics: [] });
    const error = await trainer.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DivergedError);
    expect((error as DivergedError).reason).toBe("loss");
    expect((error as Error).message).toMatch(/before any update: the initial weights are not finite \(W1 holds NaN\)$/);
    expect(trainer.iteration).toBe(0);
  });

  test("it refuses a mini-batch, and update() says how it is trained", () => {
    const { train, test: testSet } = data(60);
    expect(() => new Trainer(new TwoLayerNet(DIM, 5, CLASSES), new GradientFlow(), train, testSet, { batchSize: 10, iters: 5 })).toThrow(
      "Trainer: GradientFlow steps on the full batch, so batchSize must be the 60 training samples, got 10",
    );
    expect(() => new GradientFlow().update({}, {})).toThrow(/^GradientFlow\.update: a gradient flow steps on the full-batch loss/);
  });

  test("its spec round-trips through the registry, by its type or by its alias ode; bad settings are one-line errors", () => {
    const flow = new GradientFlow({ method: "rk45", rtol: 1e-5, atol: 1e-8, gtol: 1e-3 });
    expect(OPTIMIZERS.fromSpec(flow.spec(), undefined).spec()).toEqual(flow.spec());
    expect(OPTIMIZERS.fromSpec({ type: "ode" }, undefined)).toBeInstanceOf(GradientFlow);
    expect(String(new GradientFlow())).toBe("GradientFlow(method bdf, rtol 0.001, atol 0.000001, linear auto, flowTime null, gtol null)");
    expect(() => new GradientFlow({ method: "euler" as "bdf" })).toThrow('GradientFlow: method must be "bdf" or "rk45", got "euler"');
    expect(() => new GradientFlow({ rtol: 0 })).toThrow("GradientFlow: rtol must be a positive number, got 0");
    expect(() => new GradientFlow().restore(3)).toThrow("GradientFlow.restore: expected { integrator }, got 3");
  });
});

describe("the plateau rule", () => {
  // SGD at 1e-9 leaves the validation loss as it was: no evaluation improves it by 5%
  const stalled = (patience: number | null, lr: number, minImprovement?: number): Trainer => {
    const { train, test: testSet } = data(60);
    const validation = data(30).train;
    return new Trainer(new TwoLayerNet(DIM, 5, CLASSES, { weightInitStd: 0.3, seed: 3 }), new SGD(lr), train, testSet, {
      batchSize: 10,
      iters: 400,
      evalEvery: 2,
      validation,
      patience,
      ...(minImprovement !== undefined && { minImprovement }),
    });
  };

  test("stops once `patience` evaluations in a row bring no 5% fall: the first evaluation, then 7 more", async () => {
    const trainer = stalled(7, 1e-9);
    await trainer.run();
    expect(trainer.stopReason).toBe("plateau");
    expect(trainer.history.evalIterations).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    expect(trainer.history.valLoss).toHaveLength(8);
    expect(Object.keys(trainer.history)).toEqual(["loss", "evalIterations", "trainAcc", "valAcc", "testAcc", "valLoss"]);
  });

  test("a run whose validation loss keeps falling by more than the fraction runs to its last step", async () => {
    const trainer = stalled(7, 0.5, 0);
    await trainer.run();
    // minImprovement 0: any fall resets the count; SGD at 0.5 on separable blobs keeps lowering the loss
    expect(trainer.stopReason).toBeUndefined();
    expect(trainer.iteration).toBe(400);
    expect(trainer.history.valLoss).toHaveLength(200);
  });

  test("without patience it never stops early; patience without a validation set is refused", async () => {
    const trainer = stalled(null, 1e-9);
    await trainer.run();
    expect(trainer.iteration).toBe(400);
    const { train, test: testSet } = data(60);
    expect(() => new Trainer(new TwoLayerNet(DIM, 5, CLASSES), new SGD(), train, testSet, { batchSize: 10, iters: 5, patience: 3 })).toThrow(
      "Trainer: the plateau rule (patience) watches the validation loss, but there is no validation set",
    );
  });
});

