import { Registry } from "../registry";
import { LAYER_CLASSES } from "./index";
import type { BuildContext, Layer } from "./layer";

/** Every layer class of layers/index.ts, by its `type`. */
export const LAYERS = new Registry<Layer, BuildContext>("layerFromSpec", LAYER_CLASSES);
