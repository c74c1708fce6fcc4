// ODE integrators: explicit Runge-Kutta for non-stiff problems, BDF (dense or matrix-free Newton-Krylov) for stiff ones.
export { OdeError, emptyCounts, rmsNorm, selectInitialStep, type OdeSystem, type OdeCounts, type OdeOptions, type OdeIntegrator } from "./ode-system.js";
export { luFactor, luSolve, type LuFactors } from "./lu.js";
export { gmres, type GmresOptions, type GmresResult } from "./gmres.js";
export { Rk45 } from "./rk45.js";
export { Bdf, type BdfOptions } from "./bdf.js";
