// The last layers of a net, one file each. A loss exported here is known to model files by its `type`.
export { SoftmaxWithLoss } from "./softmax-with-loss";
export { IdentityWithLoss } from "./identity-with-loss";
