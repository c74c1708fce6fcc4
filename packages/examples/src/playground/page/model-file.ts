// A model file into the page: the settings it stands for, and a new session whose net carries its parameters and state.
import { deserializeModel, type Net } from "@backprop/layers";
import { ACTIVATION_TYPES } from "../neuron-images.js";
import { generateData, type CsvPlane } from "../plane-data.js";
import { PlaygroundSession } from "../session.js";
import { DEFAULT_SETTINGS, settingsFromQuery, settingsToQuery, type PlaygroundSettings } from "../settings.js";
import { columnSizes } from "./network-view.js";

/**
 * The session a model file's `bytes` stand for: the settings it records (a playground's file), or else those its net
 * implies (hidden sizes, activation, batch norm, dropout, weight decay on the current data, `current`); its net
 * carries the file's parameters and state, so that its predictions show and training goes on from them. A net that
 * does not fit (another input or output size) is an error.
 */
export function importedSession(bytes: Uint8Array, name: string, current: PlaygroundSettings, csv: CsvPlane | undefined): { session: PlaygroundSession; net: Net } {
  const { net, header } = deserializeModel(bytes, name, "importModel");
  const wanted = recordedSettings(header.training?.settings, csv !== undefined) ?? settingsOfNet(net, current);
  const session = new PlaygroundSession(wanted, generateData(wanted, wanted.dataset === "csv" ? csv : undefined));
  const target = session.net;
  const fits = (n: Net): string => JSON.stringify({ layers: n.spec().layers, loss: n.spec().loss });
  if (fits(net) !== fits(target)) throw new Error(`importModel: ${name} holds ${net}, which does not fit this data set's ${target}`);
  for (const [key, p] of Object.entries(net.params)) target.params[key].contiguousData().set(p.copy().contiguousData());
  target.restore(net.state());
  return { session, net };
}

/** The settings that build `net` on the current data: its hidden sizes, activation, batch norm, dropout, weight decay. */
function settingsOfNet(net: Net, s: PlaygroundSettings): PlaygroundSettings {
  const layers = net.spec().layers;
  const activation = layers.find((l) => ACTIVATION_TYPES.includes(l.type))?.type.toLowerCase() as PlaygroundSettings["activation"] | undefined;
  const dropout = layers.find((l) => l.type === "Dropout") as { ratio?: number } | undefined;
  return {
    ...s,
    hidden: columnSizes(net).slice(1, -1),
    activation: activation ?? s.activation,
    batchNorm: layers.some((l) => l.type === "BatchNormalization"),
    dropout: dropout?.ratio ?? 0,
    weightDecay: net.weightDecayLambda,
  };
}

/** The settings a playground model file recorded, if they are valid ones (a CSV's only when a CSV is loaded). */
function recordedSettings(recorded: unknown, haveCsv: boolean): PlaygroundSettings | undefined {
  if (typeof recorded !== "object" || recorded === null) return undefined;
  const { settings, errors } = settingsFromQuery(settingsToQuery({ ...DEFAULT_SETTINGS, ...(recorded as Partial<PlaygroundSettings>) }));
  return errors.length === 0 && (settings.dataset !== "csv" || haveCsv) ? settings : undefined;
}
