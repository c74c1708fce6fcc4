// ODE integrators: explicit Runge-Kutta for non-stiff problems, BDF (dense or matrix-free Newton-Krylov) for stiff ones.
export { OdeError, emptyCounts, type OdeSystem, type OdeCounts, type OdeIntegrator } from "./ode-system.js";
export { EPS, MIN_RTOL, spacing, type OdeOptions } from "./ode-options.js";
export { rmsNorm } from "./error-norm.js";
export { selectInitialStep } from "./select-initial-step.js";
export { luFactor, luSolve, type LuFactors } from "./lu.js";
export { gmres, type GmresOptions, type GmresResult } from "./gmres.js";
export { Rk45 } from "./rk45.js";
export { Bdf, DENSE_LIMIT, type BdfOptions } from "./bdf.js";
