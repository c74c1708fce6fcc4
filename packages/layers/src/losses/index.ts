import { SoftmaxWithLoss } from "./softmax-with-loss.js";
import { IdentityWithLoss } from "./identity-with-loss.js";

// The last layers of a net, one file each. Listed here, a loss is known to model files by its `type`.
export { SoftmaxWithLoss, IdentityWithLoss };
export const LOSS_CLASSES = [SoftmaxWithLoss, IdentityWithLoss];
