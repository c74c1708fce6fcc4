import { describe, expect, it } from "vitest";
import { odeMnist, odeMnistTable, type OdeMnistRow } from "../src/demo-ode-mnist.js";
import { cli, expectRefused } from "./helpers.js";

describe("demo ode-mnist", () => {
  it("trains each method on digits 0-4 from the same weights until the plateau rule stops it, counting full-batch gradients", async () => {
    const { data, rows } = await odeMnist(["sgd", "rk45"], 20, 0);
    expect([data.train.length, data.validation?.length, data.outputSize]).toEqual([100, 100, 5]);
    const [sgd, rk45] = rows;
    // a mini-batch of 100 is the whole training set here: one gradient a step
    expect(sgd.gradients).toBe(sgd.steps);
    expect(sgd.stop).toBe("plateau");
    // RK45 spends 6 gradients an attempted step after its first (FSAL), plus the start and the first step's choice
    expect(rk45.gradients).toBeGreaterThanOrEqual(6 * rk45.steps);
    for (const row of rows) {
      // five digits: chance is 0.2
      expect(row.valAcc).toBeGreaterThan(0.7);
      expect(row.trainMs).toBeGreaterThan(0);
      expect(row.evaluationMs).toBeGreaterThan(0);
    }
  });

  it("prints the time of each method against SGD's, and the gradients to a tenth when fractional", () => {
    const row = (method: string, label: string, steps: number, gradients: number, trainMs: number): OdeMnistRow => ({ method, label, steps, gradients, trainMs, evaluationMs: 1, valAcc: 0.95, testAcc: 0.9412, stop: "plateau" });
    const table = odeMnistTable([row("sgd", "SGD", 1055, 211, 2000), row("bdf", "BDF", 96, 1336, 25000)]);
    expect(table).toBe(
      [
        "method  steps  gradients  train s  x SGD  val acc  test acc  stopped by",
        "SGD      1055        211     2.00    1.0   0.9500    0.9412     plateau",
        "BDF        96       1336    25.00   12.5   0.9500    0.9412     plateau",
        "",
      ].join("\n"),
    );
    expect(odeMnistTable([row("adam", "Adam", 665, 133.2, 1500)])).toContain("Adam      665      133.2     1.50      -   0.9500");
  });

  it("refuses an unknown method or one named twice", async () => {
    await expectRefused(["demo", "ode-mnist", "--methods", "sgd,lbfgs"], /^backprop demo ode-mnist: --methods must list names of sgd, adam, rk45, bdf, got 'lbfgs' in 'sgd,lbfgs'$/);
    await expectRefused(["demo", "ode-mnist", "--methods", "bdf,bdf"], /^backprop demo ode-mnist: --methods must name each method once, got 'bdf' twice$/);
    const { code, stdout } = await cli("demo", "ode-mnist", "--help");
    expect(code).toBe(0);
    expect(stdout).toContain("--methods LIST");
  });
});
