import { SGD } from "./sgd.js";
import { Momentum } from "./momentum.js";
import { Nesterov } from "./nesterov.js";
import { AdaGrad } from "./adagrad.js";
import { RMSprop } from "./rmsprop.js";
import { Adam } from "./adam.js";

// The optimizers of the book's chapter 6, one file each. Listed here, an optimizer is known to checkpoints and to
// the command line (`--optimizer adam`) by its `type`, in this order: the book's, of increasing complexity.
export { SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam };
export const OPTIMIZER_CLASSES = [SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam];
