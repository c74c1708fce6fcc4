export { Net, paramName, type NetOptions, type NetSpec, type NamedLayerSpec } from "./net.js";
export { TwoLayerNet, type TwoLayerNetOptions } from "./two-layer-net.js";
export { MultiLayerNet, MultiLayerNetExtend, type Activation, type MultiLayerNetOptions, type MultiLayerNetExtendOptions } from "./multi-layer-net.js";
export { initStd, initWeights, type WeightInit } from "./weight-init.js";
export { flattenParams, assignFlat, splitFlat } from "./flat-params.js";
