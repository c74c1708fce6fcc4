import { Registry } from "../registry.js";
import { OPTIMIZER_CLASSES } from "./index.js";
import type { Optimizer } from "./optimizer.js";

/** Every optimizer class of optimizers/index.ts, by its `type`, in the book's order. */
export const OPTIMIZERS = new Registry<Optimizer>("optimizerFromSpec", OPTIMIZER_CLASSES);
