import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { zeros } from "@backprop/core";
import { TwoLayerNet } from "@backprop/layers";
import { saveModel } from "@backprop/layers/node";
import { cli, cliWith, writeIdxFolder, useScratch } from "./helpers.js";

const { scratch, adopt } = useScratch();

/**
 * A net made by hand for writeIdxFolder's images, where class c is bright in rows 2c+4 and 2c+5: hidden unit c sums
 * those two rows, and the output puts unit c's score on class (c + 1) % 10. So it predicts every image of class c
 * as c + 1: a confusion matrix with all its counts just right of the diagonal, if rows are the true class.
 */
function offByOne(): TwoLayerNet {
  const net = new TwoLayerNet(784, 10, 10);
  const W1 = zeros([784, 10]);
  for (let c = 0; c < 10; c++) for (const r of [2 * c + 4, 2 * c + 5]) for (let col = 0; col < 28; col++) W1.set([r * 28 + col, c], 1);
  const W2 = zeros([10, 10]);
  for (let c = 0; c < 10; c++) W2.set([c, (c + 1) % 10], 1);
  net.params.W1.assign(W1);
  net.params.W2.assign(W2);
  return net;
}

describe("backprop evaluate", () => {
  it("puts the true class in the rows and the prediction in the columns", async () => {
    const data = writeIdxFolder({ train: 20, test: 50 });
    adopt(data);
    const model = join(scratch(), "off-by-one.bp");
    saveModel(offByOne(), model, { data: { source: "idx", dir: data } });
    const { code, stdout } = await cli("evaluate", "--model", model, "--json");
    expect(code).toBe(0);
    const { confusion, accuracy, testSize } = JSON.parse(stdout);
    expect(testSize).toBe(50);
    expect(accuracy).toBe(0);
    // the test set's labels are (i + 3) % 10 for i < 50: five images of each class
    for (let t = 0; t < 10; t++) {
      for (let p = 0; p < 10; p++) expect(confusion[t][p], `true ${t}, predicted ${p}`).toBe(p === (t + 1) % 10 ? 5 : 0);
    }
    const text = (await cli("evaluate", "--model", model)).stdout;
    const rows = text.trimEnd().split("\n").slice(-10);
    // row 0 (true class 0) has its 5 in column 1
    expect(rows[0].trim().split(/\s+/).map(Number)).toEqual([0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("tests a checkpoint on the data its run used, not the embedded digits", async () => {
    const data = writeIdxFolder({ train: 200, test: 50 });
    adopt(data);
    const save = join(scratch(), "run.bp");
    const stop = new AbortController();
    const args = ["train", "--data", data, "--iters", "40", "--eval-every", "10", "--batch-size", "20", "--lr", "0.5", "--hidden", "10"];
    expect((await cliWith({ signal: stop.signal, onStdout: (t) => t.startsWith("epoch") && stop.abort() }, ...args, "--save", save)).code).toBe(130);
    const report = JSON.parse((await cli("evaluate", "--model", `${save}.ckpt`, "--json")).stdout);
    expect(report.testSize).toBe(50);
    expect(report.data).toEqual({ source: "idx", dir: data });
  });
});
