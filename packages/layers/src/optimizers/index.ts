import { SGD } from "./sgd.js";
import { Momentum } from "./momentum.js";
import { Nesterov } from "./nesterov.js";
import { AdaGrad } from "./adagrad.js";
import { RMSprop } from "./rmsprop.js";
import { Adam } from "./adam.js";
import { GradientFlow } from "./gradient-flow.js";

// The optimizers of the book's chapter 6, one file each, then the gradient flow integrated as an ODE. Listed here,
// an optimizer is known to checkpoints and to the command line (`--optimizer adam`, `--optimizer ode`) by its
// `type` or alias, in this order: the book's, of increasing complexity.
export { SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam, GradientFlow };
export const OPTIMIZER_CLASSES = [SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam, GradientFlow];
