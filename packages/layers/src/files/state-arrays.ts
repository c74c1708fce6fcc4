import { Tensor } from "@backprop/core";
import type { State } from "../training/state.js";
import { ModelFileError, type StoredArray } from "./array-file.js";

/** How a header refers to an array of the file: { "$array": name }. */
export interface ArrayRef {
  $array: string;
}

export type StoredArrays = Record<string, { shape: readonly number[]; data: StoredArray }>;

/** `state` as JSON for a header: each tensor becomes a reference to an array named by its path, added to `arrays`. */
export function stateToJson(state: State, path: string, arrays: StoredArrays): unknown {
  if (state instanceof Tensor) {
    arrays[path] = { shape: state.shape, data: state.copy().contiguousData() };
    return { $array: path } satisfies ArrayRef;
  }
  if (Array.isArray(state)) return state.map((s, i) => stateToJson(s, `${path}/${i}`, arrays));
  if (state !== null && typeof state === "object") {
    return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, stateToJson(v, `${path}/${k}`, arrays)]));
  }
  return state;
}

/** The inverse of stateToJson: references become tensors (of the array's dtype) over the file's arrays. */
export function stateFromJson(json: unknown, arrays: Map<string, StoredArray>, shapes: Map<string, number[]>, fail: (what: string) => never): State {
  if (Array.isArray(json)) return json.map((v) => stateFromJson(v, arrays, shapes, fail));
  if (json !== null && typeof json === "object") {
    const ref = (json as Partial<ArrayRef>).$array;
    if (typeof ref === "string") {
      const data = arrays.get(ref);
      if (!data || data instanceof Int32Array) return fail(`refers to array ${ref}, which it ${data ? "holds as int32, expected a float type" : "does not hold"}`);
      return Tensor.fromData(data, shapes.get(ref) as number[]);
    }
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, stateFromJson(v, arrays, shapes, fail)]));
  }
  if (json === undefined) return fail("has a state with a missing value");
  return json as State;
}

/** The names of the arrays that a header's JSON refers to, anywhere in it. */
export function arrayRefs(json: unknown): string[] {
  if (Array.isArray(json)) return json.flatMap(arrayRefs);
  if (json === null || typeof json !== "object") return [];
  const ref = (json as Partial<ArrayRef>).$array;
  return typeof ref === "string" ? [ref] : Object.values(json).flatMap(arrayRefs);
}

/** A ModelFileError thrower for one file. */
export function failFor(where: string, name: string): (what: string) => never {
  return (what: string): never => {
    throw new ModelFileError(`${where}: ${name} ${what}`);
  };
}
