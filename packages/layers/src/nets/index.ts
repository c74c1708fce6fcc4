export { Net, paramName, type NetOptions, type NetSpec, type NamedLayerSpec } from "./net";
export { TwoLayerNet, type TwoLayerNetOptions } from "./two-layer-net";
export { MultiLayerNet, MultiLayerNetExtend, type Activation, type MultiLayerNetOptions, type MultiLayerNetExtendOptions } from "./multi-layer-net";
export { initStd, initWeights, type WeightInit } from "./weight-init";
export { flattenParams, assignFlat } from "./flat-params";
