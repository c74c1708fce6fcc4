import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TEST_FUNCTIONS } from "../../src/race/test-functions.js";
import { FLOW_TIME, compareWithScipy, scipyAvailable } from "./scipy-compare.js";

const SCRIPT = fileURLToPath(new URL("./scipy_race.py", import.meta.url));
// rtol 1e-6 and atol 1e-9 bound each integrator's local error at rest near 1e-6 |y| (|y| <= 1.7 at these minima), and
// on the flow into a minimum errors are damped, not amplified: two correct integrators end within 1e-5 of each other
const SAME_POINT = 1e-5;

describe.skipIf(!scipyAvailable())("our BDF against scipy's solve_ivp(method=\"BDF\") on the gradient flow", () => {
  for (const fn of ["camel", "goldstein-price"]) {
    it(`${fn}: from every seeded start, the same minimum at t = ${FLOW_TIME[fn]}, with at most twice scipy's calls of f`, () => {
      for (const { start, ours, scipy } of compareWithScipy(SCRIPT, fn)) {
        const where = `${fn} from (${start.join(", ")})`;
        expect(scipy.status, where).toBe(0);
        expect(Math.hypot(ours.end[0] - scipy.end[0], ours.end[1] - scipy.end[1]), where).toBeLessThan(SAME_POINT);
        expect(Math.abs(ours.f - scipy.f), where).toBeLessThan(1e-8 * Math.max(1, Math.abs(scipy.f)));
        // both at rest at a minimum
        expect(Math.hypot(...TEST_FUNCTIONS[fn].grad(...ours.end)), where).toBeLessThan(1e-5);
        // scipy's nfev leaves out num_jac's columns; calls counts them
        expect(scipy.calls, where).toBeGreaterThanOrEqual(scipy.nfev + 2 * scipy.njev);
        expect(ours.evaluations, where).toBeLessThanOrEqual(2 * scipy.calls);
      }
    });
  }
});
