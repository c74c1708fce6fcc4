/// <reference lib="dom" />
// One sample forward then backward, layer by layer, as stepThrough() gives it: a table row per step with its formula
// and each quantity's numbers and shape for the whole batch. "Next" walks through the rows; the rows still to come
// are dimmed, not hidden, so that every number is in the DOM: each quantity cell has data-direction, data-layer,
// data-name, data-shape and data-values (JSON, full precision), each number data-value.
import { ACTIVATION_TYPES } from "../neuron-images.js";
import type { ForwardRow, StepThrough } from "../step-through.js";
import { el, fmt } from "./dom.js";

/** The step-through sample's numbers per Affine k (1-based) and per column of the network drawing. */
export interface SampleNumbers {
  /** The input of Affine k (O(k-1) after any dropout), its output Z and δ = dL/dZ. */
  affine: { input: string; inputValues: number[]; W: number[][]; b: number[]; Z: number[]; delta: number[]; dW: number[][] }[];
  /** After Affine k (k < last): the activation's input name and values, output and dL/dO. */
  activation: { type: string; input: string; z: number[]; out: string; o: number[]; dOut: number[] }[];
  /** Each column's unit values: x, then each hidden layer's output (as the next Affine takes it), then Y. */
  columns: number[][];
  lossType: string;
}

const row1 = (v: number[] | number[][] | undefined): number[] => (v === undefined ? [] : Array.isArray(v[0]) ? (v[0] as number[]) : (v as number[]));

/** The numbers the network drawing's tooltips plug in, read from a StepThrough. */
export function sampleNumbers(s: StepThrough): SampleNumbers {
  const back = new Map(s.backward.map((r) => [r.layer, r]));
  const affine: SampleNumbers["affine"] = [];
  const activation: SampleNumbers["activation"] = [];
  for (const r of s.forward) {
    const keys = Object.keys(r.values);
    const b = back.get(r.layer);
    if (r.op === "Affine") {
      const [input, W, bias, Z] = keys;
      const delta = b ? row1(b.values[`δ${Z.slice(1)}`]) : [];
      affine.push({ input, inputValues: row1(r.values[input]), W: r.values[W] as number[][], b: r.values[bias] as number[], Z: row1(r.values[Z]), delta, dW: (b?.values[`d${W}`] as number[][]) ?? [] });
    } else if (ACTIVATION_TYPES.includes(r.op)) {
      const [input, out] = keys;
      activation.push({ type: r.op.toLowerCase(), input, z: row1(r.values[input]), out, o: row1(r.values[out]), dOut: b ? row1(b.values[`d${out}`]) : [] });
    }
  }
  const last = s.forward[s.forward.length - 1];
  const columns = [s.x, ...affine.slice(1).map((a) => a.inputValues), row1(last.values.Y)];
  return { affine, activation, columns, lossType: last.op };
}

/** The step-through panel: sample chooser, walk buttons, and the forward and backward tables. */
export class StepThroughView {
  /** How many rows (forward then backward) are revealed; Infinity shows all. */
  private shown = Infinity;
  private rows: HTMLTableRowElement[] = [];

  constructor(private readonly root: HTMLElement) {}

  /** Moves the walk: "first", "next", "prev" or "all". */
  walk(to: "first" | "next" | "prev" | "all"): void {
    const total = this.rows.length;
    const at = Math.min(this.shown, total);
    this.shown = to === "all" ? Infinity : to === "first" ? 1 : to === "next" ? Math.min(total, at + 1) : Math.max(1, at - 1);
    if (to === "next" && at >= total) this.shown = Infinity;
    this.mark();
  }

  /** Shows `text` alone in place of the tables (why there is no step-through). */
  note(text: string): void {
    this.rows = [];
    this.root.replaceChildren(el("p", { class: "step-through-note" }, text));
  }

  draw(s: StepThrough): void {
    this.rows = [];
    const table = (direction: "forward" | "backward", rows: ForwardRow[]): HTMLElement =>
      el(
        "table",
        { class: "steps", "data-direction": direction },
        el("thead", {}, el("tr", {}, el("th", {}, "layer"), el("th", {}, "formula"), el("th", {}, "quantities: this sample's numbers, and the shape for the batch"))),
        el("tbody", {}, ...rows.map((r, i) => this.row(direction, r, i))),
      );
    const target = Array.isArray(s.t) ? `target ${s.t.map((v) => fmt(v)).join(", ")}` : `class ${s.t}`;
    const ownLoss = Array.isArray(s.t) ? "½ Σ (Y − T)²" : "−log Y[t]";
    const loss =
      s.weightDecay > 0
        ? `this sample's loss L = ${ownLoss} + λ/2 Σ‖W‖² = ${fmt(s.dataLoss, 6)} + ${fmt(s.weightDecay, 6)} = ${fmt(s.loss, 6)}`
        : `loss of this sample alone L = ${ownLoss} = ${fmt(s.loss, 6)}`;
    this.root.replaceChildren(
      el("p", { class: "sample-line", "data-sample": s.sample, "data-loss": String(s.loss) }, `sample #${s.sample}: x = (${s.x.map((v) => fmt(v)).join(", ")}), ${target}; ${loss}`),
      el("h3", {}, "Forward"),
      table("forward", s.forward),
      el("h3", {}, "Backward"),
      table("backward", s.backward),
    );
    this.mark();
  }

  private row(direction: string, r: ForwardRow, i: number): HTMLTableRowElement {
    const quantities = Object.entries(r.values).map(([name, v]) =>
      el(
        "div",
        { class: "quantity", "data-direction": direction, "data-layer": r.layer, "data-name": name, "data-shape": r.shapes[name], "data-values": JSON.stringify(v) },
        el("span", { class: "q-name" }, `${name} `),
        el("span", { class: "q-shape" }, r.shapes[name]),
        matrix(v),
      ),
    );
    const tr = el("tr", { "data-direction": direction, "data-index": i, "data-layer": r.layer, "data-op": r.op }, el("td", { class: "layer" }, r.layer), el("td", { class: "formula" }, r.formula), el("td", {}, ...quantities));
    this.rows.push(tr);
    return tr;
  }

  private mark(): void {
    this.rows.forEach((tr, i) => {
      tr.classList.toggle("later", i >= this.shown);
      tr.classList.toggle("current", i === this.shown - 1);
    });
  }
}

/** Numbers as a small matrix: a vector on one line, a matrix a line per row; each number with its full value. */
function matrix(v: number[] | number[][]): HTMLElement {
  const rows = Array.isArray(v[0]) ? (v as number[][]) : [v as number[]];
  return el("div", { class: "matrix" }, ...rows.map((row) => el("div", { class: "matrix-row" }, ...row.map((x) => el("span", { class: "num", "data-value": String(x) }, fmt(x))))));
}
