import { Registry } from "../registry";
import * as layers from "./index";
import type { BuildContext, Layer } from "./layer";

/** Every layer class that layers/index.ts exports, by its `type`. */
export const LAYERS = new Registry<Layer, BuildContext>("layerFromSpec", layers);
