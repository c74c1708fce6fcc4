// The optimizers of the book's chapter 6, in order of increasing complexity, one file each. An optimizer exported
// here is known to checkpoints and to the command line (`--optimizer adam`) by its `type`.
export { SGD } from "./sgd";
export { Momentum } from "./momentum";
export { Nesterov } from "./nesterov";
export { AdaGrad } from "./adagrad";
export { RMSprop } from "./rmsprop";
export { Adam } from "./adam";
