import { Registry } from "../registry";
import { OPTIMIZER_CLASSES } from "./index";
import type { Optimizer } from "./optimizer";

/** Every optimizer class of optimizers/index.ts, by its `type`, in the book's order. */
export const OPTIMIZERS = new Registry<Optimizer>("optimizerFromSpec", OPTIMIZER_CLASSES);
