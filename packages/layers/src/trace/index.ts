export { traceNet } from "./trace-net.js";
export { type NetTrace, type LayerTrace, type ParamTrace, type LossTrace } from "./net-trace.js";
export { summarize, type TensorSummary, type Histogram } from "./summarize.js";
