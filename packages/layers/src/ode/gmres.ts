/** What a GMRES solve came to: x, the calls of apply it spent, ||b - A x|| (the Givens estimate) and whether it met the tolerance. */
export interface GmresResult {
  x: Float64Array;
  iterations: number;
  residual: number;
  converged: boolean;
}

/** restart: Krylov vectors per cycle (default 30); maxIterations: calls of apply in all (default 100); tolerance: on ||b - A x|| / ||b|| (default 1e-5). */
export interface GmresOptions {
  restart?: number;
  maxIterations?: number;
  tolerance?: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Restarted GMRES(m) (Saad and Schultz 1986) for A x = b, matrix-free: apply(v, out) writes A v into out.
 * Arnoldi with modified Gram-Schmidt, the least-squares problem kept triangular by Givens rotations.
 * x0 defaults to 0; iterations counts the calls of apply (a restart spends one on the true residual).
 */
export function gmres(apply: (v: Float64Array, out: Float64Array) => void, b: Float64Array, x0?: Float64Array, options: GmresOptions = {}): GmresResult {
  const { restart = 30, maxIterations = 100, tolerance = 1e-5 } = options;
  const n = b.length;
  const m = Math.max(1, Math.min(restart, n));
  const x = x0 ? x0.slice() : new Float64Array(n);
  const target = tolerance * Math.sqrt(dot(b, b));
  // the Krylov basis, allocated as the iteration reaches it: a solve that converges in 3 steps needs 4 vectors, not m + 1
  const V: Float64Array[] = [new Float64Array(n)];
  const basis = (k: number) => (V[k] ??= new Float64Array(n));
  const H = Array.from({ length: m + 1 }, () => new Float64Array(m)); // H[i][j], row i of the Hessenberg matrix
  const cs = new Float64Array(m);
  const sn = new Float64Array(m);
  const g = new Float64Array(m + 1);
  let iterations = 0;
  let residual = Infinity;
  let first = x0 === undefined;
  for (;;) {
    // r = b - A x, free when x is still the zero start
    const r = V[0];
    if (first) r.set(b);
    else {
      apply(x, r);
      iterations++;
      for (let i = 0; i < n; i++) r[i] = b[i] - r[i];
    }
    first = false;
    const beta = Math.sqrt(dot(r, r));
    residual = beta;
    if (beta <= target || beta === 0 || iterations >= maxIterations) break;
    for (let i = 0; i < n; i++) r[i] /= beta;
    g.fill(0);
    g[0] = beta;
    let k = 0;
    while (k < m && iterations < maxIterations) {
      const w = basis(k + 1);
      apply(V[k], w);
      iterations++;
      for (let i = 0; i <= k; i++) {
        H[i][k] = dot(w, V[i]);
        for (let l = 0; l < n; l++) w[l] -= H[i][k] * V[i][l];
      }
      const hNext = Math.sqrt(dot(w, w));
      if (hNext > 0) for (let l = 0; l < n; l++) w[l] /= hNext;
      for (let i = 0; i < k; i++) {
        const hi = H[i][k];
        H[i][k] = cs[i] * hi + sn[i] * H[i + 1][k];
        H[i + 1][k] = -sn[i] * hi + cs[i] * H[i + 1][k];
      }
      const rho = Math.hypot(H[k][k], hNext);
      if (rho === 0) break; // A is singular on the Krylov space: keep what the earlier vectors gave
      cs[k] = H[k][k] / rho;
      sn[k] = hNext / rho;
      H[k][k] = rho;
      H[k + 1][k] = 0;
      g[k + 1] = -sn[k] * g[k];
      g[k] = cs[k] * g[k];
      residual = Math.abs(g[k + 1]);
      k++;
      // hNext = 0: the Krylov space holds the solution (a lucky breakdown)
      if (residual <= target || hNext === 0) break;
    }
    // x += V y with H y = g, H upper triangular now
    const y = new Float64Array(k);
    for (let i = k - 1; i >= 0; i--) {
      let s = g[i];
      for (let j = i + 1; j < k; j++) s -= H[i][j] * y[j];
      y[i] = s / H[i][i];
    }
    for (let j = 0; j < k; j++) for (let l = 0; l < n; l++) x[l] += y[j] * V[j][l];
    if (residual <= target || iterations >= maxIterations) break;
  }
  return { x, iterations, residual, converged: residual <= target };
}
