import { Registry } from "../registry.js";
import { LAYER_CLASSES } from "./index.js";
import type { BuildContext, Layer } from "./layer.js";

/** Every layer class of layers/index.ts, by its `type`. */
export const LAYERS = new Registry<Layer, BuildContext>("layerFromSpec", LAYER_CLASSES);
