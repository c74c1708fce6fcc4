/**
 * Hairer's initial step (Hairer, Norsett and Wanner, Solving ODEs I, sec. II.4; scipy's select_initial_step) for a
 * method whose error estimate is of order `order`: one call of f, at t0 + h0.
 */
export function selectInitialStep(
  f: (t: number, y: Float64Array, out: Float64Array) => void,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  order: number,
  { rtol, atol, tEnd, maxStep }: { rtol: number; atol: number; tEnd: number; maxStep: number },
): number {
  const interval = tEnd - t0;
  if (interval === 0) return 0;
  const n = y0.length;
  const rms = (v: (i: number) => number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (v(i) / (atol + rtol * Math.abs(y0[i]))) ** 2;
    return Math.sqrt(sum / n);
  };
  const d0 = rms((i) => y0[i]);
  const d1 = rms((i) => f0[i]);
  // 1e-5: y0 or f0 too close to zero to say anything about the scale; start small
  const h0 = Math.min(d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1, interval);
  const y1 = new Float64Array(n);
  for (let i = 0; i < n; i++) y1[i] = y0[i] + h0 * f0[i];
  const f1 = new Float64Array(n);
  f(t0 + h0, y1, f1);
  const d2 = rms((i) => f1[i] - f0[i]) / h0;
  const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / (order + 1));
  return Math.min(100 * h0, h1, interval, maxStep);
}

