import { SGD } from "./sgd";
import { Momentum } from "./momentum";
import { Nesterov } from "./nesterov";
import { AdaGrad } from "./adagrad";
import { RMSprop } from "./rmsprop";
import { Adam } from "./adam";

// The optimizers of the book's chapter 6, one file each. Listed here, an optimizer is known to checkpoints and to
// the command line (`--optimizer adam`) by its `type`, in this order: the book's, of increasing complexity.
export { SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam };
export const OPTIMIZER_CLASSES = [SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam];
