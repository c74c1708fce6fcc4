import { Registry } from "../registry.js";
import { LOSS_CLASSES } from "./index.js";
import type { Loss } from "./loss.js";

/** Every loss class of losses/index.ts, by its `type`. */
export const LOSSES = new Registry<Loss>("lossFromSpec", LOSS_CLASSES);
