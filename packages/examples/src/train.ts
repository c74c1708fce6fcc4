import { Random, type Tensor } from "@backprop/core";
import { SGD, TwoLayerNet } from "@backprop/layers";
import type { Mnist } from "@backprop/datasets";

export interface TrainConfig {
  hidden: number;
  lr: number;
  batchSize: number;
  epochs: number;
  seed: number;
  weightInitStd: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = { hidden: 50, lr: 0.1, batchSize: 100, epochs: 20, seed: 0, weightInitStd: 0.01 };

export interface EpochReport {
  epoch: number;
  epochs: number;
  /** Mean of the epoch's mini-batch losses. */
  loss: number;
  trainAcc: number;
  testAcc: number;
  seconds: number;
}

export interface TrainResult {
  config: TrainConfig & { inputSize: number; outputSize: number; trainSize: number; testSize: number; sampling: "shuffle" };
  history: { loss: number[]; trainAcc: number[]; testAcc: number[] };
  final: { trainAcc: number; testAcc: number };
  elapsedMs: number;
}

/** Training stopped because the loss stopped being a finite number. */
export class DivergedError extends Error {
  override name = "DivergedError";
}

/**
 * Mini-batch SGD on a TwoLayerNet, as the book's train_neuralnet.py, but with epochs of shuffled batches (every
 * sample once per epoch; the last batch may be smaller). Train and test accuracy are measured after each epoch.
 */
export function trainTwoLayerNet(data: Mnist, config: TrainConfig, onEpoch: (report: EpochReport) => void = () => {}): { net: TwoLayerNet; result: TrainResult } {
  const { xTrain, tTrain, xTest, tTest } = data;
  const trainSize = xTrain.shape[0];
  if (config.batchSize > trainSize) {
    throw new RangeError(`trainTwoLayerNet: batchSize must be at most the ${trainSize} training samples, got ${config.batchSize}`);
  }
  const inputSize = xTrain.size / trainSize;
  const outputSize = tTrain.ndim === 2 ? tTrain.shape[1] : 10;
  const net = new TwoLayerNet(inputSize, config.hidden, outputSize, { weightInitStd: config.weightInitStd, seed: config.seed });
  const optimizer = new SGD(config.lr);
  // a stream of its own, so that the batch order does not shift with the network's size
  const rng = new Random(`${config.seed}/batches`);
  const history: TrainResult["history"] = { loss: [], trainAcc: [], testAcc: [] };
  const started = performance.now();

  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const epochStart = performance.now();
    const order = rng.permutation(trainSize);
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < trainSize; start += config.batchSize) {
      const batch = order.subarray(start, Math.min(start + config.batchSize, trainSize));
      const xBatch = xTrain.take(batch);
      const tBatch = tTrain.take(batch);
      const grads = net.gradient(xBatch, tBatch);
      const loss = net.lastLayer.loss as number;
      if (!Number.isFinite(loss)) {
        throw new DivergedError(`the loss became ${loss} at iteration ${history.loss.length + 1} (epoch ${epoch}); try a learning rate smaller than ${config.lr}`);
      }
      optimizer.update(net.params, grads);
      history.loss.push(loss);
      lossSum += loss;
      batches++;
    }
    const trainAcc = accuracyInChunks(net, xTrain, tTrain);
    const testAcc = accuracyInChunks(net, xTest, tTest);
    history.trainAcc.push(trainAcc);
    history.testAcc.push(testAcc);
    onEpoch({ epoch, epochs: config.epochs, loss: lossSum / batches, trainAcc, testAcc, seconds: (performance.now() - epochStart) / 1000 });
  }

  const result: TrainResult = {
    config: { ...config, inputSize, outputSize, trainSize, testSize: xTest.shape[0], sampling: "shuffle" },
    history,
    final: { trainAcc: history.trainAcc.at(-1) ?? net.accuracy(xTrain, tTrain), testAcc: history.testAcc.at(-1) ?? net.accuracy(xTest, tTest) },
    elapsedMs: Math.round(performance.now() - started),
  };
  return { net, result };
}

// predicting 10,000 rows at once would hold a (10000, 50) hidden layer and more; 1,000 at a time is plenty
const EVAL_CHUNK = 1000;

/** Accuracy over all of x, predicted in chunks of rows. */
export function accuracyInChunks(net: TwoLayerNet, x: Tensor, t: Tensor): number {
  const n = x.shape[0];
  let correct = 0;
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const end = Math.min(start + EVAL_CHUNK, n);
    correct += Math.round(net.accuracy(x.slice(start, end), t.slice(start, end)) * (end - start));
  }
  return correct / n;
}
