import { Random } from "@backprop/core";
import { describe, expect, it } from "vitest";
import { parseHiddenChoice, parseNameChoice, parseNumberParam, type SearchSpace } from "../../src/sweep/search-space.js";
import { drawTrial } from "../../src/sweep/trials.js";

const CMD = "backprop sweep";
const space = (lr = "1e-6..1e-2:log"): SearchSpace => ({
  lr: parseNumberParam(CMD, "lr", lr, "positive"),
  weightDecay: parseNumberParam(CMD, "weight-decay", "1e-8..1e-4:log", "non-negative"),
  hidden: parseHiddenChoice(CMD, "hidden", "50,100,100x3"),
  optimizer: parseNameChoice(CMD, "optimizer", "sgd,adam", ["sgd", "adam"]),
  batchSize: parseNumberParam(CMD, "batch-size", "32,64,128", "integer"),
});

describe("drawTrial", () => {
  it("draws trial 1 of seed 0 from Random('0/trial/1'), its first draw skipped: the values computed here from the generator", () => {
    const rng = new Random("0/trial/1");
    const u = Array.from({ length: 7 }, () => rng.random());
    const expected = {
      trial: 1,
      lr: 10 ** (-6 + 4 * u[1]),
      weightDecay: 10 ** (-8 + 4 * u[2]),
      hidden: [[50], [100], [100, 100, 100]][Math.floor(3 * u[3])],
      optimizer: ["sgd", "adam"][Math.floor(2 * u[4])],
      batchSize: [32, 64, 128][Math.floor(3 * u[5])],
      seed: Math.floor(u[6] * 2 ** 31),
    };
    expect(drawTrial(space(), 0, 1)).toEqual(expected);
    // as recorded once from that computation
    expect(drawTrial(space(), 0, 1)).toEqual({ trial: 1, lr: 0.0010855534853925145, weightDecay: 0.00005556557340500982, hidden: [100], optimizer: "sgd", batchSize: 64, seed: 1534845022 });
    expect(drawTrial(space(), 0, 2)).toEqual({ trial: 2, lr: 0.00006290187334638454, weightDecay: 2.2867101897421755e-7, hidden: [100, 100, 100], optimizer: "sgd", batchSize: 32, seed: 1450510820 });
  });

  it("depends on the seed and k alone: the same whatever is drawn before, different for another k or seed", () => {
    const alone = drawTrial(space(), 7, 5);
    const afterOthers = (() => {
      for (let k = 1; k <= 20; k++) drawTrial(space(), 7, k);
      return drawTrial(space(), 7, 5);
    })();
    expect(afterOthers).toEqual(alone);
    expect(drawTrial(space(), 7, 6).lr).not.toBe(alone.lr);
    expect(drawTrial(space(), 8, 5).lr).not.toBe(alone.lr);
  });

  it("fixing one setting moves none of the others", () => {
    const searched = drawTrial(space(), 0, 3);
    const fixed = drawTrial(space("0.01"), 0, 3);
    expect(fixed.lr).toBe(0.01);
    expect({ ...fixed, lr: searched.lr }).toEqual(searched);
  });

  it("spreads the first trials of a sweep: trials 1..6 of seed 0 are not on a line (Alea's first draw would be)", () => {
    const lr = Array.from({ length: 6 }, (_, k) => Math.log10(drawTrial(space(), 0, k + 1).lr));
    const steps = lr.slice(1).map((x, k) => x - lr[k]);
    // on a line every step would be the same; the first draws of Random("0/trial/k") step by -0.0504 (x 4 decades)
    expect(Math.max(...steps) - Math.min(...steps)).toBeGreaterThan(1);
    const firstDraws = Array.from({ length: 6 }, (_, k) => new Random(`0/trial/${k + 1}`).random());
    const firstSteps = firstDraws.slice(1).map((x, k) => x - firstDraws[k]);
    expect(Math.max(...firstSteps) - Math.min(...firstSteps)).toBeLessThan(0.001);
  });
});
