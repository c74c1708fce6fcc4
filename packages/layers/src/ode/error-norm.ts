/** The error norm sqrt(mean((err_i / (atol + rtol * max(|y_i|, |ynew_i|)))^2)): a step passes when it is <= 1. */
export function rmsNorm(err: Float64Array, y: Float64Array, ynew: Float64Array, atol: number, rtol: number): number {
  let sum = 0;
  for (let i = 0; i < err.length; i++) {
    const e = err[i] / (atol + rtol * Math.max(Math.abs(y[i]), Math.abs(ynew[i])));
    sum += e * e;
  }
  return Math.sqrt(sum / err.length);
}

