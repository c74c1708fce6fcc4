import { Tensor, formatShape } from "@backprop/core";
import { describeState, isRecord, type State } from "../training/state.js";
import { emptyCounts, type OdeCounts } from "./ode-system.js";

/** A copy of `data` as a tensor of `shape`, for a state that later steps cannot reach. */
export function tensorOf(data: Float64Array, shape: number[]): Tensor {
  return Tensor.fromData(data.slice(), shape);
}

/** The checked fields of an integrator's state: each getter throws a RangeError naming the field. */
export class StateReader {
  constructor(
    private readonly where: string,
    private readonly record: { [key: string]: State },
  ) {}

  static of(where: string, state: State): StateReader {
    if (!isRecord(state)) throw new RangeError(`${where}: state must be a record, got ${describeState(state)}`);
    return new StateReader(where, state);
  }

  /** The elements of a float64 tensor of exactly `shape`, copied. */
  tensor(name: string, shape: number[]): Float64Array {
    const value = this.record[name];
    if (!(value instanceof Tensor) || value.shape.length !== shape.length || value.shape.some((d, i) => d !== shape[i])) throw new RangeError(`${this.where}: ${name} must be a ${formatShape(shape)} tensor, got ${value instanceof Tensor ? formatShape(value.shape) : describeState(value)}`);
    if (value.dtype !== "float64") throw new RangeError(`${this.where}: ${name} must be a float64 tensor, got ${value.dtype}`);
    return Float64Array.from((value.isContiguous ? value : value.copy()).contiguousData());
  }

  /** The number at `name`, passing `check` (what it is called in the message: `what`). */
  number(name: string, check: (v: number) => boolean = Number.isFinite, what = "a finite number"): number {
    const value = this.record[name];
    if (typeof value !== "number" || !check(value)) throw new RangeError(`${this.where}: ${name} must be ${what}, got ${describeState(value)}`);
    return value;
  }

  /** The number at `name`, or null. */
  nullableNumber(name: string): number | null {
    return this.record[name] === null ? null : this.number(name, Number.isFinite, "a finite number or null");
  }

  /** The string at `name`, one of `allowed`. */
  string<S extends string>(name: string, allowed: readonly S[]): S {
    const value = this.record[name];
    if (!allowed.includes(value as S)) throw new RangeError(`${this.where}: ${name} must be ${allowed.map((a) => JSON.stringify(a)).join(" or ")}, got ${describeState(value)}`);
    return value as S;
  }

  /** The integrator's counts at `counts`, each a non-negative integer. */
  counts(): OdeCounts {
    const value = this.record.counts;
    const counts = emptyCounts();
    if (!isRecord(value)) throw new RangeError(`${this.where}: counts must be a record of counts, got ${describeState(value)}`);
    for (const key of Object.keys(counts) as (keyof OdeCounts)[]) {
      const v = value[key];
      if (!Number.isInteger(v) || (v as number) < 0) throw new RangeError(`${this.where}: counts.${key} must be a non-negative integer, got ${describeState(v)}`);
      counts[key] = v as number;
    }
    return counts;
  }
}
