import { OdeError } from "./ode-system.js";

/** P A = L U of an n x n matrix: L (unit lower, below the diagonal) and U share `lu`, row-major; row i of P A is row pivots[i] of A. */
export interface LuFactors {
  readonly n: number;
  readonly lu: Float64Array;
  readonly pivots: Int32Array;
}

/** LU with partial pivoting of a row-major n x n matrix A (A is not changed); OdeError naming the column when A is singular. */
export function luFactor(A: Float64Array, n: number): LuFactors {
  if (A.length !== n * n) throw new RangeError(`luFactor: A must hold n * n = ${n * n} values, got ${A.length}`);
  const lu = A.slice();
  const pivots = new Int32Array(n).map((_, i) => i);
  for (let k = 0; k < n; k++) {
    // the largest |entry| in column k as pivot keeps every multiplier <= 1 in size
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > Math.abs(lu[p * n + k])) p = i;
    const pivot = lu[p * n + k];
    if (pivot === 0 || !Number.isFinite(pivot)) throw new OdeError(`luFactor: the matrix is singular: column ${k} has no nonzero pivot, got ${pivot}`);
    if (p !== k) {
      for (let j = 0; j < n; j++) [lu[k * n + j], lu[p * n + j]] = [lu[p * n + j], lu[k * n + j]];
      [pivots[k], pivots[p]] = [pivots[p], pivots[k]];
    }
    for (let i = k + 1; i < n; i++) {
      const l = (lu[i * n + k] /= pivot);
      if (l !== 0) for (let j = k + 1; j < n; j++) lu[i * n + j] -= l * lu[k * n + j];
    }
  }
  return { n, lu, pivots };
}

/** x with A x = b from A's factors (b is not changed; x may be b). */
export function luSolve({ n, lu, pivots }: LuFactors, b: Float64Array, x: Float64Array = new Float64Array(n)): Float64Array {
  if (b.length !== n || x.length !== n) throw new RangeError(`luSolve: b and x must have length ${n}, got ${b.length} and ${x.length}`);
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[pivots[i]];
    for (let j = 0; j < i; j++) s -= lu[i * n + j] * z[j];
    z[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let j = i + 1; j < n; j++) s -= lu[i * n + j] * z[j];
    z[i] = s / lu[i * n + i];
  }
  x.set(z);
  return x;
}
