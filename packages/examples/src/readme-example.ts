import { Random } from "@backprop/core";
import { loadMnist } from "@backprop/datasets/node";
import { SGD, TwoLayerNet } from "@backprop/layers";

const { xTrain, tTrain, xTest, tTest } = loadMnist();
const net = new TwoLayerNet(784, 50, 10, { seed: 0 });
const optimizer = new SGD(0.1);
const rng = new Random(0);

for (let i = 0; i < 500; i++) {
  const batch = rng.choice(xTrain.shape[0], 100);
  const grads = net.gradient(xTrain.take(batch), tTrain.take(batch));
  optimizer.update(net.params, grads);
}
console.log(net.toString(), "test accuracy", net.accuracy(xTest, tTest));
