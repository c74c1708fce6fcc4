// Groups 5 and 12 of the reliability issue: flags take plain decimal numbers within stated ranges, once each, and
// a bad one is one line that names it.
import { describe, expect, it } from "vitest";
import { cli, expectRefused } from "../helpers.js";

const refused = expectRefused;

describe("numbers", () => {
  it("a step count beyond 2^31, from --epochs or --iters", async () => {
    await refused(["train", "--epochs", "1e308"], /^backprop train: --epochs must be a positive integer of at most 2\^31 = 2147483648, got '1e308'$/);
    await refused(["train", "--iters", "3000000000"], /^backprop train: --iters must be a positive integer of at most 2\^31 = 2147483648, got '3000000000'$/);
    // 80 steps an epoch: 30 million epochs are 2.4e9 steps
    await refused(["train", "--epochs", "30000000"], /^backprop train: --epochs 30000000 makes 2400000000 steps of batch 100, more than 2\^31 = 2147483648$/);
  });

  it("decimal numbers only: hex, binary, Infinity and spaces are refused", async () => {
    await refused(["train", "--iters", "0x3"], /^backprop train: --iters must be a positive integer, got '0x3'$/);
    await refused(["train", "--lr", "0b11"], /^backprop train: --lr must be a positive number, got '0b11'$/);
    await refused(["train", "--lr", "Infinity"], /^backprop train: --lr must be a positive number, got 'Infinity'$/);
    await refused(["train", "--dropout", "0x0.5"], /^backprop train: --dropout must be a ratio between 0 and 1, got '0x0\.5'$/);
    // what is a decimal stays accepted: 1e-3, .5, 2.
    const { code } = await cli("train", "--iters", "1e1", "--lr", ".5", "--hidden", "4", "--quiet");
    expect(code).toBe(0);
  });

  it("a flag given twice", async () => {
    await refused(["train", "--lr", "0.1", "--lr", "0.2"], /^backprop train: --lr is given twice, expected it once$/);
    await refused(["train", "--lr=0.1", "--lr", "0.2"], /^backprop train: --lr is given twice, expected it once$/);
    await refused(["gradcheck", "--json", "--json"], /^backprop gradcheck: --json is given twice, expected it once$/);
  });

  it("a net too large for this machine's memory, before anything is allocated", async () => {
    await refused(["train", "--hidden", "5000000"], /^backprop train: --hidden 5000000 makes a net of 3\.98e\+9 parameters; training it needs about 127 GB, more than this machine's [\d.]+ GB$/);
    await refused(["gradcheck", "--hidden", "5000000"], /^backprop gradcheck: --hidden 5000000 makes a net of 3\.98e\+9 parameters/);
    await refused(["train", "--hidden", "1e9"], /^backprop train: --hidden must be a positive integer or a comma-separated list of them, got '1e9'$/);
  });
});
