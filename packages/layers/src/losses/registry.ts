import { Registry } from "../registry";
import { LOSS_CLASSES } from "./index";
import type { Loss } from "./loss";

/** Every loss class of losses/index.ts, by its `type`. */
export const LOSSES = new Registry<Loss>("lossFromSpec", LOSS_CLASSES);
