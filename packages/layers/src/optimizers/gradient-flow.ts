import type { Tensor } from "@backprop/core";
import { Bdf } from "../ode/bdf.js";
import { Rk45 } from "../ode/rk45.js";
import type { OdeIntegrator, OdeSystem } from "../ode/ode-system.js";
import { flattenParams } from "../nets/flat-params.js";
import type { FullBatchObjective } from "../training/full-batch-objective.js";
import { l2Norm } from "../training/layer-history.js";
import { isRecord, type State } from "../training/state.js";
import { describeValue } from "../layers/layer.js";
import { describe, positive, type FlowStep, type OptimizerSpec, type WholeBatchOptimizer } from "./optimizer.js";

/** The integrator of a flow: BDF for stiff flows, RK45 for others. */
export type FlowMethod = "bdf" | "rk45";
/** How BDF solves its Newton systems (see BdfOptions.linear). */
export type FlowLinear = "dense" | "krylov" | "auto";

/** A GradientFlow's settings, as its spec records them. */
export interface GradientFlowOptions {
  /** "bdf" (default): variable-order BDF/NDF, for stiff flows; "rk45": Dormand-Prince, the non-stiff baseline. */
  method?: FlowMethod;
  /** Relative and absolute tolerances of the local error, ‖err / (atol + rtol |θ|)‖_rms <= 1 (defaults 1e-3, 1e-6, scipy's). */
  rtol?: number;
  atol?: number;
  /** BDF's Newton systems: a dense finite-difference Jacobian and LU, matrix-free Krylov (GMRES), or "auto" by size. */
  linear?: FlowLinear;
  /** Stop once the flow time reaches this (default: no limit). */
  flowTime?: number | null;
  /** Stop once ‖∇L‖ falls below this (default: never). */
  gtol?: number | null;
}


/**
 * Training as the solution of an ODE (Owens and Filkin 1989): the parameters follow the gradient flow
 * dθ/dt = -∇L(θ) of the full-batch loss, integrated by an adaptive solver, so that no learning rate is chosen: the
 * solver's error control picks each step. Its Jacobian is -H, the loss's Hessian; BDF solves its Newton systems
 * with it (see Bdf). One Trainer step is one accepted integrator step.
 */
export class GradientFlow implements WholeBatchOptimizer {
  static readonly type = "GradientFlow";
  /** Its name on the command line, --optimizer ode. */
  static readonly alias = "ode";
  /** It needs the whole training set (see WholeBatchOptimizer), known before one is built. */
  static readonly wholeBatch = true;
  readonly wholeBatch = true;
  readonly method: FlowMethod;
  readonly rtol: number;
  readonly atol: number;
  readonly linear: FlowLinear;
  readonly flowTime: number | null;
  readonly gtol: number | null;
  private integrator?: OdeIntegrator;
  // a restored integrator's state, until the first advance gives it its objective
  private saved: State = null;
  private objective?: FullBatchObjective;

  constructor(options: GradientFlowOptions = {}) {
    const where = "GradientFlow";
    const { method = "bdf", linear = "auto" } = options;
    if (method !== "bdf" && method !== "rk45") throw new RangeError(`${where}: method must be "bdf" or "rk45", got ${describeValue(method)}`);
    if (linear !== "dense" && linear !== "krylov" && linear !== "auto") throw new RangeError(`${where}: linear must be "dense", "krylov" or "auto", got ${describeValue(linear)}`);
    this.method = method;
    this.linear = linear;
    this.rtol = positive(where, "rtol", options.rtol ?? 1e-3);
    this.atol = positive(where, "atol", options.atol ?? 1e-6);
    this.flowTime = options.flowTime == null ? null : positive(where, "flowTime", options.flowTime);
    this.gtol = options.gtol == null ? null : positive(where, "gtol", options.gtol);
  }

  static fromSpec(spec: OptimizerSpec): GradientFlow {
    return new GradientFlow(spec as GradientFlowOptions);
  }

  /** A flow has no use for a mini-batch's gradient: it evaluates the full-batch one where its solver needs it. */
  update(_params: Record<string, Tensor>, _grads: Record<string, Tensor>): void {
    throw new TypeError("GradientFlow.update: a gradient flow steps on the full-batch loss, not on a mini-batch's gradients; train it with a Trainer, which calls advance(objective)");
  }

  /** Builds the integrator on `objective`: from the net's parameters at flow time 0, or from the restored state. */
  prepare(objective: FullBatchObjective): void {
    this.objective = objective;
    this.integrator ??= this.start(objective);
  }

  advance(objective: FullBatchObjective): FlowStep {
    this.prepare(objective);
    const integrator = this.integrator as OdeIntegrator;
    integrator.step();
    // the loss and gradient at the new point, which also leaves the net there: free after an RK45 step, whose last
    // stage was there, one more full-batch gradient after a BDF step, whose last call preceded Newton's last correction
    const { loss, grad } = objective.evaluate(integrator.y);
    const gradNorm = l2Norm(grad);
    const { t } = integrator;
    const stop = this.flowTime !== null && t >= this.flowTime ? "time" : this.gtol !== null && gradNorm < this.gtol ? "gradient" : undefined;
    return { t, loss, gradNorm, counts: { ...integrator.counts }, order: integrator.order, h: integrator.h, ...(stop && { stop }) };
  }

  /** The integrator from the net's parameters at flow time 0, or from the restored state. */
  private start(objective: FullBatchObjective): OdeIntegrator {
    const system: OdeSystem = {
      n: objective.size,
      f: (_t, y, out) => {
        const { grad } = (this.objective as FullBatchObjective).evaluate(y);
        for (let i = 0; i < out.length; i++) out[i] = -grad[i];
      },
    };
    const y0 = flattenParams(objective.net.params).contiguousData() as Float64Array;
    const options = { rtol: this.rtol, atol: this.atol, ...(this.flowTime !== null && { tEnd: this.flowTime }) };
    // a restored flow continues from its state, evaluating nothing
    const saved = this.saved ?? undefined;
    this.saved = null;
    return this.method === "bdf" ? new Bdf(system, 0, y0, { ...options, linear: this.linear }, saved) : new Rk45(system, 0, y0, options, saved);
  }

  /** { integrator: the solver's state (see Bdf.state, Rk45.state), or null before the first step }. */
  state(): State {
    return { integrator: this.integrator ? this.integrator.state() : this.saved };
  }

  restore(state: State): void {
    if (!isRecord(state) || !Object.hasOwn(state, "integrator")) throw new RangeError(`GradientFlow.restore: expected { integrator }, got ${describeValue(state)}`);
    const { integrator } = state;
    // the rest is checked where the solver is built on it (prepare), when the number of parameters is known
    if (integrator !== null && !(isRecord(integrator) && integrator.method === this.method)) {
      throw new RangeError(`GradientFlow.restore: integrator must be null or the state of a ${this.method} solver, got ${describeValue(isRecord(integrator) ? `a state of method ${describeValue(integrator.method)}` : integrator)}`);
    }
    this.integrator = undefined;
    this.saved = state.integrator;
  }

  spec(): OptimizerSpec {
    return { type: GradientFlow.type, method: this.method, rtol: this.rtol, atol: this.atol, linear: this.linear, flowTime: this.flowTime, gtol: this.gtol };
  }

  toString(): string {
    return describe(this.spec());
  }
}
