import { classSubset } from "@backprop/datasets";
import { loadMnist } from "@backprop/datasets/node";
import { GradientFlow, MultiLayerNet, Trainer } from "@backprop/layers";

// the ODE article's setup: digits 0 to 4, 100 of each to train and the next 100 of each to validate
const mnist = loadMnist();
const digits = [0, 1, 2, 3, 4];
const train = classSubset(mnist.train, digits, 100);
const validation = classSubset(mnist.train, digits, 100, 100);
const test = classSubset(mnist.test, digits, Infinity);
const net = new MultiLayerNet(784, [50], 5, { activation: "sigmoid", weightInitStd: 0.01, seed: 0 });
// dθ/dt = -∇L(θ) by BDF; a Trainer step is one accepted solver step on the full batch, stopped by the plateau rule
const flow = new GradientFlow({ method: "bdf", rtol: 1e-3, atol: 1e-6 });
const trainer = new Trainer(net, flow, train, test, { batchSize: train.length, iters: 1000, evalEvery: 1, validation, patience: 50 });

await trainer.run();
const { t, evaluations } = trainer.flowHistory!;
const [valAcc, testAcc] = [trainer.history.valAcc.at(-1), trainer.history.testAcc.at(-1)];
console.log(`${trainer.iteration} steps to t = ${t.at(-1)?.toPrecision(3)}, ${evaluations.at(-1)} gradients (${trainer.stopReason}): val acc ${valAcc}, test acc ${testAcc?.toFixed(4)}`);
