import { loadPenguins } from "@backprop/datasets";
import { IdentityWithLoss, MultiLayerNet, RMSprop, Trainer, meanAbsoluteError } from "@backprop/layers";

// body mass from bill, flipper, sex and species; z-scores and one-hot columns fitted on the training rows
const { train, test, schema } = loadPenguins();
const std = schema.target.task === "regression" ? schema.target.std : 1;
const net = new MultiLayerNet(train.inputSize, [64, 64], 1, { lastLayer: new IdentityWithLoss(), seed: 0 });
const epochs = 80;
const trainer = new Trainer(net, new RMSprop(0.001, 0.9), train, test, { batchSize: 16, iters: epochs * Math.ceil(train.length / 16), seed: 0, metrics: [meanAbsoluteError(std)] });

await trainer.run();
console.log(`${net}: test MAE ${trainer.history.testMae.at(-1)?.toFixed(1)} g after ${epochs} epochs`);
