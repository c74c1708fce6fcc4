import { Registry } from "../registry";
import * as losses from "./index";
import type { Loss } from "./loss";

/** Every loss class that losses/index.ts exports, by its `type`. */
export const LOSSES = new Registry<Loss>("lossFromSpec", losses);
