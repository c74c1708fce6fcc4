/// <reference lib="dom" />
// The settings form: one control per setting (id "setting-<key>"), the hidden layers' add/remove and units, and the
// settings' home in the URL (history.replaceState with settingsToQuery), so that a link reproduces a run.
import { ACTIVATIONS, DATASETS, MAX_LAYERS, MAX_UNITS, PLAYGROUND_OPTIMIZERS, settingsFromQuery, settingsToQuery, type PlaygroundSettings } from "../settings.js";
import { el } from "./dom.js";

type Key = keyof PlaygroundSettings;

/** A control: a select of choices, a slider, or a checkbox; `text` turns a value into the control's string. */
type Control =
  | { key: Key; label: string; kind: "select"; choices: readonly (string | number)[]; title?: string }
  | { key: Key; label: string; kind: "range"; min: number; max: number; step: number; title?: string }
  | { key: Key; label: string; kind: "checkbox"; title?: string }
  | { key: Key; label: string; kind: "number"; min: number; max: number; title?: string };

/** The data column's controls. */
export const DATA_CONTROLS: Control[] = [
  { key: "dataset", label: "Data set", kind: "select", choices: DATASETS },
  { key: "classes", label: "Classes (spiral)", kind: "range", min: 2, max: 5, step: 1 },
  { key: "points", label: "Points (per class)", kind: "range", min: 10, max: 1000, step: 10, title: "per class for classification, in all for regression" },
  { key: "noise", label: "Noise", kind: "range", min: 0, max: 1, step: 0.05 },
  { key: "testRatio", label: "Test ratio", kind: "range", min: 0.1, max: 0.9, step: 0.05 },
  { key: "seed", label: "Seed", kind: "number", min: 0, max: 2 ** 31 - 1, title: "seed of the data, the initial weights, the batches and dropout" },
];

/** The top bar's hyperparameters. */
export const HYPER_CONTROLS: Control[] = [
  { key: "activation", label: "Activation", kind: "select", choices: ACTIVATIONS },
  { key: "init", label: "Weight init", kind: "select", choices: ["he", "xavier", 0.01, 0.1, 1] },
  { key: "optimizer", label: "Optimizer", kind: "select", choices: PLAYGROUND_OPTIMIZERS },
  { key: "lr", label: "Learning rate", kind: "select", choices: [0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3] },
  { key: "batchSize", label: "Batch size", kind: "select", choices: [1, 5, 10, 30, 50, 100, 300, 1000] },
  { key: "weightDecay", label: "Weight decay", kind: "select", choices: [0, 0.0001, 0.001, 0.01, 0.1] },
  { key: "dropout", label: "Dropout", kind: "select", choices: [0, 0.1, 0.2, 0.3, 0.5] },
  { key: "batchNorm", label: "Batch norm", kind: "checkbox" },
];

/**
 * The form in `dataRoot`, `hyperRoot` and `hiddenRoot`; `onChange` receives settings checked by settingsFromQuery
 * (a value it refuses leaves the settings as they were and shows the reason in `errorsRoot`).
 */
export class ControlsForm {
  private settings: PlaygroundSettings;
  private readonly inputs = new Map<Key, HTMLInputElement | HTMLSelectElement>();
  private readonly outputs = new Map<Key, HTMLElement>();

  constructor(
    settings: PlaygroundSettings,
    dataRoot: HTMLElement,
    hyperRoot: HTMLElement,
    private readonly hiddenRoot: HTMLElement,
    private readonly errorsRoot: HTMLElement,
    private readonly onChange: (s: PlaygroundSettings) => void,
  ) {
    this.settings = settings;
    for (const c of DATA_CONTROLS) dataRoot.append(this.field(c));
    for (const c of HYPER_CONTROLS) hyperRoot.append(this.field(c));
    this.show(settings);
  }

  /** Shows `s` in every control, without calling onChange. */
  show(s: PlaygroundSettings): void {
    this.settings = s;
    for (const [key, input] of this.inputs) {
      const value = s[key];
      if (input instanceof HTMLInputElement && input.type === "checkbox") input.checked = value === true;
      else {
        if (input instanceof HTMLSelectElement && !Array.from(input.options).some((o) => o.value === String(value))) input.append(el("option", { value: String(value) }, String(value)));
        input.value = String(value);
      }
      const out = this.outputs.get(key);
      if (out) out.textContent = String(value);
    }
    const points = this.inputs.get("points")?.closest("label")?.querySelector(".label");
    if (points) points.textContent = s.dataset === "regression" ? "Points (in all)" : "Points (per class)";
    this.inputs.get("classes")?.closest("label")?.classList.toggle("disabled", s.dataset !== "spiral");
    this.drawHidden();
  }

  /** Shows what was wrong (settings of the URL, a CSV, a model file), or clears it. */
  showErrors(errors: string[]): void {
    this.errorsRoot.textContent = errors.join("\n");
    this.errorsRoot.hidden = errors.length === 0;
  }

  /** The settings with `key` changed, checked as the URL's are; refused values leave everything as it was. */
  private change(patch: Partial<PlaygroundSettings>): void {
    const { settings, errors } = settingsFromQuery(settingsToQuery({ ...this.settings, ...patch }));
    if (errors.length > 0) {
      this.showErrors(errors);
      this.show(this.settings);
      return;
    }
    this.showErrors([]);
    this.show(settings);
    this.onChange(settings);
  }

  private field(c: Control): HTMLElement {
    const id = `setting-${c.key}`;
    let input: HTMLInputElement | HTMLSelectElement;
    if (c.kind === "select") {
      input = el("select", { id }, ...c.choices.map((v) => el("option", { value: String(v) }, String(v))));
    } else if (c.kind === "range") {
      input = el("input", { id, type: "range", min: c.min, max: c.max, step: c.step });
    } else if (c.kind === "number") {
      input = el("input", { id, type: "number", min: c.min, max: c.max, step: 1 });
    } else {
      input = el("input", { id, type: "checkbox" });
    }
    this.inputs.set(c.key, input);
    // the control's text goes through settingsFromQuery as the URL's does: an empty or fractional seed is refused there
    const read = (): unknown => (input instanceof HTMLInputElement && input.type === "checkbox" ? input.checked : input.value);
    if (c.kind === "range") {
      const out = el("output", { for: id });
      this.outputs.set(c.key, out);
      // the number follows the slider as it moves; the run changes when it is let go
      input.addEventListener("input", () => (out.textContent = input.value));
    }
    input.addEventListener("change", () => this.change({ [c.key]: read() } as Partial<PlaygroundSettings>));
    return el("label", { class: `field ${c.kind}`, title: c.title }, el("span", { class: "label" }, c.label), input, this.outputs.get(c.key));
  }

  /** The hidden layers' bar: + and - layers, and + and - units of each layer, above the network's columns. */
  private drawHidden(): void {
    const { hidden } = this.settings;
    const button = (text: string, id: string, title: string, disabled: boolean, patch: () => number[]): HTMLButtonElement => {
      const b = el("button", { type: "button", id, title, disabled, class: "small" }, text);
      b.addEventListener("click", () => this.change({ hidden: patch() }));
      return b;
    };
    const layers = hidden.map((units, k) =>
      el(
        "span",
        { class: "hidden-layer", "data-layer": k + 1 },
        button("−", `units-minus-${k + 1}`, `one unit fewer in hidden layer ${k + 1}`, units <= 1, () => hidden.map((u, i) => (i === k ? u - 1 : u))),
        el("span", { class: "units" }, `${units}`),
        button("+", `units-plus-${k + 1}`, `one unit more in hidden layer ${k + 1}`, units >= MAX_UNITS, () => hidden.map((u, i) => (i === k ? u + 1 : u))),
      ),
    );
    this.hiddenRoot.replaceChildren(
      el(
        "span",
        { class: "hidden-count" },
        button("−", "layers-minus", "remove the last hidden layer", hidden.length === 0, () => hidden.slice(0, -1)),
        button("+", "layers-plus", "add a hidden layer", hidden.length >= MAX_LAYERS, () => [...hidden, hidden[hidden.length - 1] ?? 4]),
        el("span", { id: "hidden-text" }, ` ${hidden.length} hidden layer${hidden.length === 1 ? "" : "s"}: `),
      ),
      ...layers,
    );
  }
}

/** The settings of the page's URL, and what was wrong with it. */
export function settingsOfLocation(): { settings: PlaygroundSettings; errors: string[] } {
  return settingsFromQuery(location.search);
}

/** Writes `s` into the URL without a new history entry; where the browser refuses (some file:// pages), the URL stays. */
export function writeLocation(s: PlaygroundSettings): void {
  try {
    history.replaceState(null, "", `?${settingsToQuery(s)}`);
  } catch {
    // the settings still apply; only the link does not follow them
  }
}
