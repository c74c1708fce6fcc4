import { execFileSync } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { Tensor, tensor, zeros } from "@backprop/core";
import { AdaGrad, Adam, GradientFlow, Momentum, Nesterov, OPTIMIZERS, RMSprop, SGD, type Optimizer, type State } from "../../src/index.js";
import { bitsOf } from "../helpers.js";

// What every optimizer shares: a state that continues bit for bit, the checks of gradients and restored slots that
// name the parameter, settings refused out of range, and the spec that rebuilds it through OPTIMIZERS.

interface Case {
  type: string;
  make: () => Optimizer;
  /** The name of the per-parameter slot in the shape errors, and the state keys that hold slots. */
  slot?: string;
  slotKeys: string[];
}

// non-default settings, so that a round trip that fell back to the defaults would show
const CASES: Case[] = [
  { type: "SGD", make: () => new SGD(0.1), slotKeys: [] },
  { type: "Momentum", make: () => new Momentum(0.05, 0.8), slot: "velocity", slotKeys: ["v"] },
  { type: "Nesterov", make: () => new Nesterov(0.05, 0.8), slot: "velocity", slotKeys: ["v"] },
  { type: "AdaGrad", make: () => new AdaGrad(0.5), slot: "squared-gradient sum", slotKeys: ["h"] },
  { type: "RMSprop", make: () => new RMSprop(0.05, 0.9), slot: "mean square", slotKeys: ["h"] },
  { type: "Adam", make: () => new Adam(0.1, 0.8, 0.99), slot: "first moment", slotKeys: ["m", "v"] },
];
const STATEFUL = CASES.filter((c) => c.slot !== undefined);
const byType = <T extends { type: string }>(cases: T[]): [string, T][] => cases.map((c) => [c.type, c]);

/** f(x, y) = x^2 / 20 + sum(y^2) from a 0-d x and a (3) y: the gradients are x / 10 and 2 y. */
const start = (): Record<string, Tensor> => ({ x: tensor(-7), y: tensor([2, -1, 0.5]) });
const gradsOf = (p: Record<string, Tensor>): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(p).map(([name, w]) => [name, name === "x" ? w.div(10) : w.mul(2)]));

function run(optimizer: Optimizer, p: Record<string, Tensor>, steps: number): void {
  for (let i = 0; i < steps; i++) optimizer.update(p, gradsOf(p));
}

function paramBits(p: Record<string, Tensor>): Record<string, bigint[]> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, bitsOf(v)]));
}

/** A state with every tensor replaced by its shape and bits, to compare exactly; fails on a non-tensor object. */
function snapshot(state: State): unknown {
  if (state instanceof Tensor) return { shape: [...state.shape], bits: bitsOf(state) };
  if (Array.isArray(state)) return state.map(snapshot);
  if (state !== null && typeof state === "object") return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, snapshot(v)]));
  return state;
}

describe("state() and restore() continue a run with the same bits", () => {
  test.each(byType(CASES))("%s", (_, c) => {
    // 5 updates, then the state; 5 more on the same optimizer are the reference
    const original = c.make();
    const p = start();
    run(original, p, 5);
    const atFive = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.copy()]));
    const saved = original.state();
    run(original, p, 5);
    const reference = paramBits(p);

    // a fresh optimizer of the same settings, given the state and the parameters of step 5
    const resumed = c.make();
    resumed.restore(saved);
    const q = Object.fromEntries(Object.entries(atFive).map(([k, v]) => [k, v.copy()]));
    run(resumed, q, 5);
    expect(paramBits(q)).toEqual(reference);

    // without the state, the optimizer would not continue the same way (SGD has none to lose)
    const forgetful = c.make();
    const r = Object.fromEntries(Object.entries(atFive).map(([k, v]) => [k, v.copy()]));
    run(forgetful, r, 5);
    if (c.slot !== undefined) expect(paramBits(r)).not.toEqual(reference);
    else expect(paramBits(r)).toEqual(reference);
  });
});

describe("state() is a snapshot of tensors, and restore() takes its own copy", () => {
  test.each(byType(STATEFUL))("%s", (_, c) => {
    const optimizer = c.make();
    const p = start();
    run(optimizer, p, 3);
    const saved = optimizer.state() as Record<string, State>;
    // no JSON round trip is needed: the slots are tensors, by parameter name, of the parameters' shapes
    for (const key of c.slotKeys) {
      const slots = saved[key] as Record<string, Tensor>;
      expect(Object.keys(slots)).toEqual(["x", "y"]);
      expect(slots.x).toBeInstanceOf(Tensor);
      expect(slots.x.shape).toEqual([]);
      expect(slots.y.shape).toEqual([3]);
    }
    const before = snapshot(saved);
    expect(optimizer.state()).not.toBe(saved);
    expect(snapshot(optimizer.state())).toEqual(before);

    // later updates do not reach a saved state
    run(optimizer, p, 3);
    expect(snapshot(optimizer.state())).not.toEqual(before);
    expect(snapshot(saved)).toEqual(before);

    // a restored optimizer does not write into the state it was given, so the state can be restored twice
    const first = c.make();
    const q1 = start();
    first.restore(saved);
    run(first, q1, 3);
    expect(snapshot(saved)).toEqual(before);
    const second = c.make();
    const q2 = start();
    second.restore(saved);
    run(second, q2, 3);
    expect(paramBits(q2)).toEqual(paramBits(q1));
  });
});

describe("restoring the state of a fresh optimizer starts over", () => {
  test.each(byType(STATEFUL))("%s", (_, c) => {
    const fresh = c.make().state();
    const used = c.make();
    run(used, start(), 4);
    used.restore(fresh);
    const p = start();
    run(used, p, 3);
    const q = start();
    run(c.make(), q, 3);
    expect(paramBits(p)).toEqual(paramBits(q));
  });
});

describe("an update without a gradient for every parameter, or of another shape, names the parameter", () => {
  test.each(byType(CASES))("%s", (_, c) => {
    const optimizer = c.make();
    const p = start();
    run(optimizer, p, 2);
    const before = { params: paramBits(p), state: snapshot(optimizer.state()) };
    const where = `${c.type}\\.update`;
    expect(() => optimizer.update(p, { x: p.x.div(10) })).toThrow(new RegExp(`^${where}: no gradient for y, expected one of shape \\(3,\\)$`));
    expect(() => optimizer.update(p, { x: p.x.div(10), y: zeros([2]) })).toThrow(
      new RegExp(`^${where}: the gradient of y is \\(2,\\), expected \\(3,\\) to match the parameter$`),
    );
    expect(() => optimizer.update(p, { x: zeros([1]), y: p.y.mul(2) })).toThrow(
      new RegExp(`^${where}: the gradient of x is \\(1,\\), expected \\(\\) to match the parameter$`),
    );
    expect(() => optimizer.update(p, { x: p.x.div(10), y: zeros([3, 1]) })).toThrow(
      new RegExp(`^${where}: the gradient of y is \\(3, 1\\), expected \\(3,\\) to match the parameter$`),
    );
    expect(() => optimizer.update(p, { x: p.x.div(10), y: [0, 0, 0] as unknown as Tensor })).toThrow(new RegExp(`^${where}: no gradient for y`));
    // a refused update changes neither the parameters nor the optimizer
    expect(paramBits(p)).toEqual(before.params);
    expect(snapshot(optimizer.state())).toEqual(before.state);
  });
});

describe("a restored state whose slots do not fit the parameters names the parameter at the next update", () => {
  test.each(byType(STATEFUL))("%s", (_, c) => {
    // a state saved for a y of 2 elements, then for parameters without y at all
    const other = c.make();
    run(other, { x: tensor(-7), y: tensor([2, -1]) }, 2);
    const misfit = other.state();
    const lonely = c.make();
    run(lonely, { x: tensor(-7) }, 2);
    const missing = lonely.state();

    const optimizer = c.make();
    const p = start();
    const before = paramBits(p);
    optimizer.restore(misfit);
    expect(() => optimizer.update(p, gradsOf(p))).toThrow(new RegExp(`^${c.type}\\.update: the ${c.slot} of y is \\(2,\\), expected \\(3,\\) to match the parameter$`));
    optimizer.restore(missing);
    expect(() => optimizer.update(p, gradsOf(p))).toThrow(new RegExp(`^${c.type}\\.update: the ${c.slot} of y is missing, expected \\(3,\\) to match the parameter$`));
    expect(paramBits(p)).toEqual(before);
  });

  test.each(byType(STATEFUL))("%s refuses slots that are not tensors by parameter name", (_, c) => {
    const optimizer = c.make();
    const key = c.slotKeys[0];
    const good = optimizer.state() as Record<string, State>;
    const message = (got: string): RegExp => new RegExp(`^${c.type}\\.restore: ${key} must be null or tensors by parameter name, got ${got}$`);
    expect(() => optimizer.restore({ ...good, [key]: 3 })).toThrow(message("3"));
    expect(() => optimizer.restore({ ...good, [key]: { x: 1 } })).toThrow(message('\\{"x":1\\}'));
    // a bare tensor, not a record of them (its JSON says little: the message is pinned only up to "got")
    expect(() => optimizer.restore({ ...good, [key]: zeros([2]) })).toThrow(message(".*"));
    expect(() => optimizer.restore({ ...good, [key]: 3 })).toThrow(TypeError);
  });
});

describe("settings out of range are refused, naming the optimizer and the setting", () => {
  const cases: [string, () => unknown, RegExp][] = [
    ["SGD lr 0", () => new SGD(0), /^SGD: lr must be a positive number, got 0$/],
    ["SGD lr -0.1", () => new SGD(-0.1), /^SGD: lr must be a positive number, got -0\.1$/],
    ["SGD lr as a string", () => new SGD("0.1" as unknown as number), /^SGD: lr must be a positive number, got "0\.1"$/],
    ["Momentum lr 0", () => new Momentum(0), /^Momentum: lr must be a positive number, got 0$/],
    ["Momentum momentum 1", () => new Momentum(0.01, 1), /^Momentum: momentum must be a number in \[0, 1\), got 1$/],
    ["Momentum momentum -0.1", () => new Momentum(0.01, -0.1), /^Momentum: momentum must be a number in \[0, 1\), got -0\.1$/],
    ["Nesterov lr -1", () => new Nesterov(-1), /^Nesterov: lr must be a positive number, got -1$/],
    ["Nesterov momentum 1.5", () => new Nesterov(0.01, 1.5), /^Nesterov: momentum must be a number in \[0, 1\), got 1\.5$/],
    ["AdaGrad lr 0", () => new AdaGrad(0), /^AdaGrad: lr must be a positive number, got 0$/],
    ["RMSprop lr 0", () => new RMSprop(0), /^RMSprop: lr must be a positive number, got 0$/],
    ["RMSprop decayRate 1", () => new RMSprop(0.01, 1), /^RMSprop: decayRate must be a number in \[0, 1\), got 1$/],
    ["RMSprop decayRate -0.5", () => new RMSprop(0.01, -0.5), /^RMSprop: decayRate must be a number in \[0, 1\), got -0\.5$/],
    ["Adam lr 0", () => new Adam(0), /^Adam: lr must be a positive number, got 0$/],
    ["Adam beta1 1", () => new Adam(0.001, 1), /^Adam: beta1 must be a number in \[0, 1\), got 1$/],
    ["Adam beta2 1", () => new Adam(0.001, 0.9, 1), /^Adam: beta2 must be a number in \[0, 1\), got 1$/],
    ["Adam beta2 -0.1", () => new Adam(0.001, 0.9, -0.1), /^Adam: beta2 must be a number in \[0, 1\), got -0\.1$/],
    ["a spec's setting", () => OPTIMIZERS.fromSpec({ type: "Adam", beta1: 2 }, undefined), /^Adam: beta1 must be a number in \[0, 1\), got 2$/],
  ];
  test.each(cases)("%s", (_, make, message) => {
    expect(make).toThrow(message);
    expect(make).toThrow(RangeError);
  });

  test("the lower ends of the fractions are allowed", () => {
    expect(new Momentum(0.01, 0).momentum).toBe(0);
    expect(new RMSprop(0.01, 0).decayRate).toBe(0);
    expect([new Adam(0.001, 0, 0).beta1, new Adam(0.001, 0, 0).beta2]).toEqual([0, 0]);
  });

  test("a NaN or infinite setting is named as NaN or Infinity in the message", () => {
    // positive() (optimizers/optimizer.ts) and checkOption() (layers/layer.ts) print the value with JSON.stringify,
    // which writes NaN and Infinity as null: "lr must be a positive number, got null"
    expect(() => new SGD(NaN)).toThrow(/^SGD: lr must be a positive number, got NaN$/);
    expect(() => new Adam(Infinity)).toThrow(/^Adam: lr must be a positive number, got Infinity$/);
    expect(() => new Momentum(0.01, NaN)).toThrow(/^Momentum: momentum must be a number in \[0, 1\), got NaN$/);
  });
});

describe("a spec's settings are checked through OPTIMIZERS.fromSpec as the constructor checks them (a checkpoint's spec)", () => {
  // every optimizer's lr, and each fraction of the ones that have one, with the value as the message shows it
  const badLr: [unknown, string][] = [[-0.1, "-0\\.1"], [0, "0"], [NaN, "NaN"], [Infinity, "Infinity"], ["0.1", '"0\\.1"'], [null, "null"], [true, "true"]];
  const badFraction: [unknown, string][] = [["0.9", '"0\\.9"'], [1, "1"], [-0.1, "-0\\.1"], [1.5, "1\\.5"], [NaN, "NaN"], [null, "null"]];
  // every one with a learning rate: all but the gradient flow, whose solver picks its steps
  const lrCases = OPTIMIZERS.types.filter((type) => type !== "GradientFlow").flatMap((type) => badLr.map(([value, shown]): [string, unknown, string] => [type, value, shown]));
  test.each(lrCases)("%s with lr %s", (type, lr, shown) => {
    const make = (): unknown => OPTIMIZERS.fromSpec({ type, lr }, undefined);
    expect(make).toThrow(new RegExp(`^${type}: lr must be a positive number, got ${shown}$`));
    expect(make).toThrow(RangeError);
  });

  const fractions: [string, string][] = [["Momentum", "momentum"], ["Nesterov", "momentum"], ["RMSprop", "decayRate"], ["Adam", "beta1"], ["Adam", "beta2"]];
  const fractionCases = fractions.flatMap(([type, name]) => badFraction.map(([value, shown]): [string, string, unknown, string] => [type, name, value, shown]));
  test.each(fractionCases)("%s with %s %s", (type, name, value, shown) => {
    const make = (): unknown => OPTIMIZERS.fromSpec({ type, lr: 0.01, [name]: value }, undefined);
    expect(make).toThrow(new RegExp(`^${type}: ${name} must be a number in \\[0, 1\\), got ${shown}$`));
    expect(make).toThrow(RangeError);
  });
});

describe("spec() rebuilds the same optimizer through OPTIMIZERS", () => {
  const strings: Record<string, string> = {
    SGD: "SGD(lr 0.1)",
    Momentum: "Momentum(lr 0.05, momentum 0.8)",
    Nesterov: "Nesterov(lr 0.05, momentum 0.8)",
    AdaGrad: "AdaGrad(lr 0.5)",
    RMSprop: "RMSprop(lr 0.05, decayRate 0.9)",
    Adam: "Adam(lr 0.1, beta1 0.8, beta2 0.99)",
  };
  test.each(byType(CASES))("%s", (type, c) => {
    const optimizer = c.make();
    expect(String(optimizer)).toBe(strings[type]);
    const spec = JSON.parse(JSON.stringify(optimizer.spec()));
    expect(spec.type).toBe(type);
    const rebuilt = OPTIMIZERS.fromSpec(spec, undefined);
    expect(rebuilt.constructor).toBe(optimizer.constructor);
    expect(rebuilt.spec()).toEqual(optimizer.spec());
    expect(String(rebuilt)).toBe(strings[type]);
    // and it updates as the original does
    const p = start();
    const q = start();
    run(optimizer, p, 4);
    run(rebuilt, q, 4);
    expect(paramBits(q)).toEqual(paramBits(p));
  });

  test("a spec without settings gives the book's defaults", () => {
    expect(OPTIMIZERS.types.map((type) => String(OPTIMIZERS.fromSpec({ type }, undefined)))).toEqual([
      "SGD(lr 0.01)",
      "Momentum(lr 0.01, momentum 0.9)",
      "Nesterov(lr 0.01, momentum 0.9)",
      "AdaGrad(lr 0.01)",
      "RMSprop(lr 0.01, decayRate 0.99)",
      "Adam(lr 0.001, beta1 0.9, beta2 0.999)",
      "GradientFlow(method bdf, rtol 0.001, atol 0.000001, linear auto, flowTime null, gtol null)",
    ]);
  });
});

describe("OPTIMIZERS", () => {
  test("lists the book's six in its order, then the gradient flow; the command line's names are the types in lower case, or an alias", () => {
    expect(OPTIMIZERS.types).toEqual(["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam", "GradientFlow"]);
    expect(OPTIMIZERS.names).toEqual(["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "ode"]);
    expect(OPTIMIZERS.find("ODE")).toBe(GradientFlow);
  });

  test("finds a class by type, without case", () => {
    expect(OPTIMIZERS.find("Adam")).toBe(Adam);
    expect(OPTIMIZERS.find("adam")).toBe(Adam);
    expect(OPTIMIZERS.find("RMSPROP")).toBe(RMSprop);
    expect(OPTIMIZERS.find("adagrad")).toBe(AdaGrad);
    expect(OPTIMIZERS.find("sgd")).toBe(SGD);
    expect(OPTIMIZERS.find("Adadelta")).toBeUndefined();
    expect(OPTIMIZERS.fromSpec({ type: "nesterov", lr: 0.2 }, undefined)).toBeInstanceOf(Nesterov);
  });

  test("refuses an unknown type, listing the known ones", () => {
    expect(() => OPTIMIZERS.fromSpec({ type: "Adadelta" }, undefined)).toThrow(/^optimizerFromSpec: unknown type "Adadelta", expected one of /);
    expect(() => OPTIMIZERS.fromSpec({ type: "Adadelta" }, undefined)).toThrow(RangeError);
    const message = (() => {
      try {
        OPTIMIZERS.fromSpec({ type: "Adadelta" }, undefined);
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })();
    for (const type of ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"]) expect(message).toContain(type);
  });

  test("lists the seven in order in a standard ES module build too (the CLI's esbuild bundle)", async () => {
    // vitest's module runner keeps a namespace's exports in the order they are written, but standard ES modules (Node,
    // browsers, esbuild) list a namespace's keys sorted by name, so a registry that read Object.values(import * as ...)
    // would pass the test above and list "AdaGrad, Adam, ..." in the CLI. Bundled as scripts/build.mjs bundles the
    // CLI, and run by Node:
    const { build } = await import("esbuild");
    const bundled = await build({
      stdin: {
        contents: 'import { OPTIMIZERS } from "../../src/optimizers/registry.js";\nconsole.log(JSON.stringify(OPTIMIZERS.types));',
        resolveDir: dirname(fileURLToPath(import.meta.url)),
        loader: "ts",
      },
      bundle: true,
      platform: "node",
      format: "esm",
      conditions: ["@backprop/source"],
      write: false,
      logLevel: "silent",
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    });
    const printed = execFileSync(process.execPath, ["--input-type=module", "-"], { input: bundled.outputFiles[0].text, encoding: "utf8" });
    expect(JSON.parse(printed)).toEqual(["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam", "GradientFlow"]);
  });
});
