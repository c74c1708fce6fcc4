import { Tensor, formatShape, type Random, type RandomState } from "@backprop/core";

/**
 * What an object keeps to continue exactly where it stopped (an optimizer's moments, BatchNorm's running
 * statistics, a generator's position): numbers, strings, booleans, null, tensors, and lists and records of them.
 * A model or checkpoint file stores the tensors as arrays and the rest as JSON, so that nothing is forgotten.
 */
export type State = number | string | boolean | null | Tensor | State[] | { [key: string]: State };

/** A record of states by name. */
export type StateRecord = { [key: string]: State };

/** A copy of `state` whose tensors are copies too: a snapshot that later updates cannot reach. */
export function cloneState<S extends State>(state: S): S {
  if (state instanceof Tensor) return state.copy() as S;
  if (Array.isArray(state)) return state.map(cloneState) as S;
  if (state !== null && typeof state === "object") {
    return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, cloneState(v)])) as S;
  }
  return state;
}

/** A record (of states, or of a file's JSON): an object that is not null, a list or a tensor. */
export function isRecord(value: unknown): value is { [key: string]: State } {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Tensor);
}

/** A generator's state as a State. */
export function randomState(rng: Random): State {
  return JSON.parse(JSON.stringify(rng.state())) as State;
}

/** The inverse of randomState. */
export function asRandomState(state: State): RandomState {
  return state as unknown as RandomState;
}

/** A value of a state as an error message shows it: `2.5`, `"x"`, `null`, `a tensor (3,)`, `[1,2]`, cut at 60 characters. */
export function describeState(value: unknown): string {
  if (value instanceof Tensor) return `a tensor ${formatShape(value.shape)}`;
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || typeof value !== "object") return String(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
