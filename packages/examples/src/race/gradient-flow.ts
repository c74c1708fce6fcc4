import { Bdf, OdeError, Rk45, type OdeCounts, type OdeIntegrator, type OdeSystem } from "@backprop/layers";
import type { Descent, StopRule } from "./fixed-step.js";
import { inReach } from "./fixed-step.js";
import type { Point, TestFunction } from "./test-functions.js";

/** The integrators' tolerances. */
export interface Tolerances {
  rtol: number;
  atol: number;
}

/**
 * The gradient flow of f, dθ/dt = -grad f(θ), in θ = (x, y): its rest points are f's critical points. Where a trial
 * step overflows (Goldstein-Price grows as |θ|^8), f is not finite there and the integrator rejects the step.
 */
export function gradientFlow(fn: TestFunction): OdeSystem {
  return {
    n: 2,
    f(_t, y, out) {
      const [gx, gy] = fn.grad(y[0], y[1]);
      out[0] = -gx;
      out[1] = -gy;
    },
  };
}

/** "rk45" or "bdf" on fn's gradient flow from `start`, at time 0. */
export function integrator(method: "rk45" | "bdf", fn: TestFunction, start: Point, options: Tolerances & { tEnd?: number }): OdeIntegrator {
  const y0 = Float64Array.from(start);
  return method === "bdf" ? new Bdf(gradientFlow(fn), 0, y0, options) : new Rk45(gradientFlow(fn), 0, y0, options);
}

/** A descent by an integrator: its counts, and the stop checks, which are gradient evaluations too. */
export interface FlowDescent extends Descent {
  counts: OdeCounts;
  stopChecks: number;
}

/**
 * The gradient flow from `start` by RK45 or BDF, stopped after the first accepted step at which |grad f(y)| < gtol,
 * or once counts.evaluations and the stop checks (one gradient each) reach maxEvaluations, or when the step size
 * collapses (OdeError): not converged.
 */
export function flowToRest(method: "rk45" | "bdf", fn: TestFunction, start: Point, tolerances: Tolerances, stop: StopRule): FlowDescent {
  const ode = integrator(method, fn, start, tolerances);
  const path: Point[] = [start];
  let stopChecks = 0;
  let converged = false;
  while (ode.counts.evaluations + stopChecks < stop.maxEvaluations && inReach(fn, [ode.y[0], ode.y[1]])) {
    try {
      ode.step();
    } catch (error) {
      if (error instanceof OdeError) break;
      throw error;
    }
    path.push([ode.y[0], ode.y[1]]);
    stopChecks++;
    if (Math.hypot(...fn.grad(ode.y[0], ode.y[1])) < stop.gtol) {
      converged = true;
      break;
    }
  }
  const end: Point = [ode.y[0], ode.y[1]];
  const counts = { ...ode.counts };
  return { start, path, end, f: fn.f(...end), evaluations: counts.evaluations + stopChecks, converged, counts, stopChecks };
}

/** Where BDF takes the gradient flow from `start` at time tEnd, what it spent, and its wall time: the scipy comparison's figures. */
export function flowFor(fn: TestFunction, start: Point, tEnd: number, tolerances: Tolerances): { end: Point; f: number; counts: OdeCounts; ms: number } {
  const t0 = performance.now();
  const ode = integrator("bdf", fn, start, { ...tolerances, tEnd });
  while (ode.t < tEnd) ode.step();
  const ms = performance.now() - t0;
  const end: Point = [ode.y[0], ode.y[1]];
  return { end, f: fn.f(...end), counts: { ...ode.counts }, ms };
}
