import { loadMnist } from "@backprop/datasets/node";
import { Adam, MultiLayerNetExtend, Trainer } from "@backprop/layers";

const { train, test } = loadMnist();
const net = new MultiLayerNetExtend(784, [100, 100], 10, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.1, seed: 0 });
const trainer = new Trainer(net, new Adam(), train, test, { batchSize: 100, iters: 400, seed: 0 });

await trainer.run({ onEvaluation: (e) => console.log(`step ${e.iteration}: test accuracy ${e.values.testAcc}`) });
console.log(net.toString(), [...net.layers.keys()].join(" -> "));
