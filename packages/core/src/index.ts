export { Tensor, sizeOf, allocate, type DType, type Data, type NestedArray, type ReduceOptions, type Shape } from "./tensor";
export { ShapeError, formatShape } from "./errors";
export { tensor, full, zeros, ones, zerosLike, onesLike, arange, randn, rand, type CreateOptions } from "./creation";
export { add, sub, mul, div, pow, maximum, minimum, neg, exp, log, sqrt, abs, gt, ge, lt, le, eq, ne } from "./elementwise";
export { broadcastShapes } from "./broadcast";
export { dot } from "./linalg";
export { forEachOffset } from "./indexing";
export { sumTo } from "./reduce";
export { Random, type RandomState } from "./random";
