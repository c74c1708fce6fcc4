import { Registry } from "../registry";
import * as optimizers from "./index";
import type { Optimizer } from "./optimizer";

/** Every optimizer class that optimizers/index.ts exports, by its `type`. */
export const OPTIMIZERS = new Registry<Optimizer>("optimizerFromSpec", optimizers);
