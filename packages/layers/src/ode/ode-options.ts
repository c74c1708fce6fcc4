/** The tolerances and step limits shared by the integrators. */
export interface OdeOptions {
  /** The relative tolerance, default 1e-3 (scipy's). */
  rtol?: number;
  /** The absolute tolerance, default 1e-6 (scipy's). */
  atol?: number;
  /** The first step's size, default: selectInitialStep's. */
  firstStep?: number;
  /** The largest step, default Infinity. */
  maxStep?: number;
  /** Where integration ends, default Infinity: steps never pass it, and the last one lands on it exactly. */
  tEnd?: number;
}

/** The float64 machine epsilon, numpy's finfo(float).eps. */
export const EPS = 2 ** -52;

/** The smallest rtol the integrators accept (scipy's 100 * eps): a smaller rtol asks for digits float64 lacks. */
export const MIN_RTOL = 100 * EPS;

/** The distance from |t| to the next float64 up (numpy's spacing), the resolution of t. */
export function spacing(t: number): number {
  const bits = new Float64Array([Math.abs(t)]);
  const word = new BigInt64Array(bits.buffer);
  word[0] += 1n;
  return bits[0] - Math.abs(t);
}

/** The step-size limits and tolerances, checked: RangeError naming the option. rtol below MIN_RTOL is raised to it, as scipy does. */
export function checkOptions(where: string, t0: number, y0: Float64Array, options: OdeOptions) {
  const { rtol = 1e-3, atol = 1e-6, firstStep, maxStep = Infinity, tEnd = Infinity } = options;
  const positive = (name: string, value: number) => {
    if (typeof value !== "number" || !(value > 0)) throw new RangeError(`${where}: ${name} must be a positive number, got ${String(value)}`);
  };
  positive("rtol", rtol);
  if (typeof atol !== "number" || !(atol >= 0)) throw new RangeError(`${where}: atol must be a non-negative number, got ${String(atol)}`);
  positive("maxStep", maxStep);
  if (!Number.isFinite(t0)) throw new RangeError(`${where}: t0 must be a finite number, got ${String(t0)}`);
  if (typeof tEnd !== "number" || !(tEnd >= t0)) throw new RangeError(`${where}: tEnd must be a number >= t0 = ${t0}, got ${String(tEnd)}`);
  if (firstStep !== undefined) {
    positive("firstStep", firstStep);
    if (firstStep > tEnd - t0) throw new RangeError(`${where}: firstStep must not pass tEnd - t0 = ${tEnd - t0}, got ${firstStep}`);
  }
  if (!(y0 instanceof Float64Array) || y0.length === 0) throw new RangeError(`${where}: y0 must be a non-empty Float64Array, got ${describe(y0)}`);
  if (!y0.every(Number.isFinite)) throw new RangeError(`${where}: y0 must be finite, got ${Array.from(y0).find((v) => !Number.isFinite(v))} in it`);
  return { rtol: Math.max(rtol, MIN_RTOL), atol, firstStep, maxStep, tEnd };
}

function describe(value: unknown): string {
  return value instanceof Float64Array ? "an empty Float64Array" : ((value as object | null)?.constructor?.name ?? String(value));
}

