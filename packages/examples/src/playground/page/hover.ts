/// <reference lib="dom" />
// What hovering the network drawing tells: a link's weight, its gradient for the last batch and the update it made;
// a neuron's bias and δ; and for the step-through sample, the forward and backward formulas with its numbers in.
import type { Tensor } from "@backprop/core";
import type { PlaygroundSession } from "../session.js";
import type { PlaygroundSettings } from "../settings.js";
import { fmt } from "./dom.js";
import type { HoverText } from "./network-view.js";
import type { SampleNumbers } from "./step-through.js";

/** What the tooltips read from the page, at the moment of hovering. */
export interface HoverSource {
  readonly session: PlaygroundSession;
  readonly settings: PlaygroundSettings;
  readonly sample: number;
  readonly numbers?: SampleNumbers;
  /** Why there are no sample numbers (a net with batch norm), said in their place. */
  readonly note?: string;
}

/** The most terms of a sum written out; the rest are "+ …". */
const MAX_TERMS = 4;
const DERIVATIVE: Record<string, { text: string; of: (z: number, o: number) => number }> = {
  relu: { text: "(Z > 0)", of: (z) => (z > 0 ? 1 : 0) },
  sigmoid: { text: "O(1 − O)", of: (_, o) => o * (1 - o) },
  tanh: { text: "1 − O²", of: (_, o) => 1 - o * o },
};

const at = (t: Tensor | undefined, ...index: number[]): number | undefined => (t === undefined ? undefined : t.get(...index));
const par = (x: number): string => (x < 0 ? `(${fmt(x)})` : fmt(x));

/**
 * The tooltips of the network drawing, read from `page` when hovered: a link's weight, its last gradient and update,
 * and the step-through sample's share of it; a neuron's bias, its gradient as the backward view draws it, and the
 * sample's forward and backward formulas with the numbers in (or the page's note on why there are none).
 */
export function hoverText(page: HoverSource): HoverText {
  return {
    link(k, i, j) {
      const { net } = page.session;
      const grads = page.session.lastGradients();
      const w = net.params[`W${k}`].get(i, j);
      const g = at(grads?.[`W${k}`], i, j);
      const lines = [`W${k}[${i},${j}] = ${fmt(w)}   (unit ${i} of layer ${k - 1} → unit ${j} of layer ${k})`];
      if (g === undefined) lines.push("dL/dW: take a step first (the last mini-batch's gradient)");
      else {
        lines.push(`dL/dW${k}[${i},${j}] = ${fmt(g)}   (last mini-batch of ${Math.min(page.settings.batchSize, page.session.data.train.length)})`);
        if (page.settings.optimizer === "sgd") {
          const lr = page.settings.lr;
          lines.push(`its SGD update: W ← W − lr·dW = ${fmt(w + lr * g)} − ${fmt(lr)}·${par(g)} = ${fmt(w)}`);
        } else lines.push(`updated by ${page.settings.optimizer} from dW (and its own state)`);
      }
      const a = page.numbers?.affine[k - 1];
      if (page.note) lines.push(page.note);
      else if (a) {
        const o = a.inputValues[i];
        const d = a.delta[j];
        lines.push(`sample #${page.sample}: its share of Z${k}[${j}]: ${a.input}[${i}]·W = ${par(o)}·${par(w)} = ${fmt(o * w)}`);
        lines.push(`  dW${k}[${i},${j}] = ${a.input}[${i}]·δ${k}[${j}] = ${par(o)}·${par(d)} = ${fmt(o * d)}${net.weightDecayLambda > 0 ? ` (+ λW = ${fmt(net.weightDecayLambda * w)})` : ""}`);
      }
      return lines;
    },
    neuron(column, j) {
      const n = page.numbers;
      if (column === 0) return [`x${j + 1}: the input's ${j === 0 ? "horizontal" : "vertical"} coordinate`, n ? `sample #${page.sample}: x${j + 1} = ${fmt(n.columns[0][j])}` : ""].filter(Boolean);
      const { net } = page.session;
      const k = column;
      const last = k === n?.affine.length;
      const b = net.params[`b${k}`]?.get(j);
      const grads = page.session.lastGradients();
      const beta = grads?.[`beta${k}`];
      const value = (g: Tensor | undefined): string => (g === undefined ? "take a step first" : fmt(g.get(j)));
      const gradient = beta
        ? `dβ${k}[${j}] = ${value(beta)}   (last mini-batch: Σ of dL/d(BN${k}) over it, which reaches the unit; db${k} is 0 under batch norm)`
        : `δ = db${k}[${j}] = ${value(grads?.[`b${k}`])}   (last mini-batch: Σ of dL/dZ over it)`;
      const lines = [`${last ? "output" : `hidden layer ${k}`}, unit ${j}: b${k}[${j}] = ${b === undefined ? "-" : fmt(b)}`, gradient];
      if (page.note) return [...lines, page.note];
      const a = n?.affine[k - 1];
      if (!n || !a) return lines;
      const terms = a.inputValues.map((o, i) => `${par(o)}·${par(a.W[i][j])}`);
      const shown = terms.length > MAX_TERMS ? [...terms.slice(0, MAX_TERMS), "…"] : terms;
      lines.push(`sample #${page.sample}, forward:`);
      lines.push(`  Z${k}[${j}] = Σ ${a.input}[i]·W${k}[i,${j}] + b${k}[${j}] = ${shown.join(" + ")} + ${par(a.b[j])} = ${fmt(a.Z[j])}`);
      if (last) {
        lines.push(n.lossType === "SoftmaxWithLoss" ? `  Y[${j}] = softmax(Z)[${j}] = ${fmt(n.columns[column][j])}` : `  Y = Z = ${fmt(a.Z[j])}`);
        lines.push(`backward: δ${k}[${j}] = (Y − T)[${j}] / N = ${fmt(a.delta[j])}`);
        return lines;
      }
      const act = n.activation[k - 1];
      if (act) {
        const z = act.z[j];
        const o = act.o[j];
        const f = DERIVATIVE[act.type];
        lines.push(`  ${act.out}[${j}] = ${act.type}(${act.input}[${j}]) = ${act.type}(${fmt(z)}) = ${fmt(o)}`);
        lines.push(`backward: dL/d${act.input}[${j}] = dL/d${act.out}[${j}] · ${f.text} = ${par(act.dOut[j])}·${fmt(f.of(z, o))} = ${fmt(act.dOut[j] * f.of(z, o))}`);
        lines.push(`  δ${k}[${j}] = ${fmt(a.delta[j])}`);
      }
      return lines;
    },
  };
}
