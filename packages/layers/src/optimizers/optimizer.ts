import { ShapeError, Tensor, formatShape, zerosLike, type Data } from "@backprop/core";
import { checkOption, describeValue } from "../layers/layer.js";
import type { OdeCounts } from "../ode/ode-system.js";
import type { FullBatchObjective } from "../training/full-batch-objective.js";
import { cloneState, type State } from "../training/state.js";

/** An optimizer as JSON: its type (the class's `type`) and settings, such as { type: "Adam", lr: 0.001, ... }. */
export interface OptimizerSpec {
  type: string;
  [setting: string]: unknown;
}

/**
 * Updates parameters in place from their gradients, by name, as the book's `update(params, grads)`. What it keeps
 * between updates (velocities, moments, a step count) is its `state()`, so that a checkpoint can carry it.
 */
export interface Optimizer {
  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void;
  /** A snapshot of what the optimizer keeps between updates. */
  state(): State;
  restore(state: State): void;
  spec(): OptimizerSpec;
  toString(): string;
}

/** Why a flow stopped by itself: its flow time reached, or its gradient small enough. */
export type FlowStop = "time" | "gradient";

/** One accepted step of a flow: where it got, the loss and gradient norm there, what it cost so far, and whether it is done. */
export interface FlowStep {
  t: number;
  loss: number;
  gradNorm: number;
  /** The integrator's counts since the start of the run (see OdeCounts). */
  counts: OdeCounts;
  order: number;
  h: number;
  stop?: FlowStop;
}

/**
 * An optimizer that follows the full-batch loss with a whole-vector method, one accepted step per advance, rather
 * than updating from a mini-batch's gradients (GradientFlow). Its class has `static wholeBatch = true`; the Trainer
 * gives it a FullBatchObjective and the whole training set as its batch.
 */
export interface WholeBatchOptimizer extends Optimizer {
  readonly wholeBatch: true;
  /** Gets ready on `objective` (a resumed run: checks its restored state against it), evaluating nothing. */
  prepare(objective: FullBatchObjective): void;
  /** One step from the net's parameters (θ of `objective`), which it leaves at the new point. */
  advance(objective: FullBatchObjective): FlowStep;
}

/** Whether an optimizer is a whole-batch one. */
export function isWholeBatch(optimizer: Optimizer): optimizer is WholeBatchOptimizer {
  return (optimizer as Partial<WholeBatchOptimizer>).wholeBatch === true;
}

/** Parameters or per-parameter slots (a velocity, a moment) by name. */
export type Slots = Record<string, Tensor>;

// keeps the division finite where a squared-gradient sum is still 0, as the book does
export const EPSILON = 1e-7;

/**
 * Throws unless every parameter is a tensor of its own (updated in place) with a gradient of its shape, naming the
 * first that is not: before any parameter changes, so that a bad update changes nothing.
 */
export function checkGrads(where: string, params: Slots, grads: Slots): void {
  for (const [name, p] of Object.entries(params)) {
    if (!p.isContiguous) throw new ShapeError(`${where}: ${name} is a non-contiguous view ${formatShape(p.shape)}, expected a tensor of its own`);
    const g = grads[name];
    if (!(g instanceof Tensor)) throw new ShapeError(`${where}: no gradient for ${name}, expected one of shape ${formatShape(p.shape)}`);
    if (g.ndim !== p.ndim || g.shape.some((n, d) => n !== p.shape[d])) {
      throw new ShapeError(`${where}: the gradient of ${name} is ${formatShape(g.shape)}, expected ${formatShape(p.shape)} to match the parameter`);
    }
  }
}

/** The slots for `params`: zeros of each one's shape and dtype the first time, else `slots` checked against them. */
export function slotsFor(where: string, what: string, slots: Slots | null, params: Slots): Slots {
  if (slots === null) return Object.fromEntries(Object.entries(params).map(([name, p]) => [name, zerosLike(p)]));
  for (const [name, p] of Object.entries(params)) {
    const s = slots[name];
    if (!s || s.ndim !== p.ndim || s.shape.some((n, d) => n !== p.shape[d])) {
      throw new ShapeError(`${where}: the ${what} of ${name} is ${s ? formatShape(s.shape) : "missing"}, expected ${formatShape(p.shape)} to match the parameter`);
    }
  }
  return slots;
}

/** The elements of a parameter or slot for a fused loop: its own buffer, updated in place (checkGrads saw to it). */
export function elementsOf(x: Tensor): Data {
  return x.contiguousData();
}

/** The elements of a gradient (or of any tensor) in row-major order: its own buffer, or a copy when it is a view. */
export function rowMajorOf(g: Tensor): Data {
  return (g.isContiguous ? g : g.copy()).contiguousData();
}

/** The slots of a state (null before the first update), copied so that the optimizer owns them. */
export function slotsFromState(where: string, what: string, state: State | undefined): Slots | null {
  if (state === null) return null;
  if (typeof state !== "object" || state instanceof Tensor || Array.isArray(state) || Object.values(state).some((s) => !(s instanceof Tensor))) {
    throw new TypeError(`${where}.restore: ${what} must be null or tensors by parameter name, got ${describeValue(state)}`);
  }
  return cloneState(state) as Slots;
}

/** A learning rate or another positive setting. */
export function positive(where: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${where}: ${name} must be a positive number, got ${describeValue(value)}`);
  }
  return value;
}

/** A decay rate or momentum in [0, 1). */
export function fraction(where: string, name: string, value: unknown): number {
  return checkOption(where, name, value, 0, 1);
}

/** `Adam(lr 0.001, beta1 0.9, beta2 0.999)`. */
export function describe(spec: OptimizerSpec): string {
  const { type, ...settings } = spec;
  return `${type}(${Object.entries(settings).map(([k, v]) => `${k} ${v}`).join(", ")})`;
}
