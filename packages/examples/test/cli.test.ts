import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

describe("backprop CLI", () => {
  it("prints the commands with no arguments and with --help", async () => {
    for (const argv of [[], ["--help"], ["help"]]) {
      const { code, stdout } = await cli(...argv);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: backprop <command>/m);
      for (const command of ["train", "evaluate", "predict", "export", "report", "gradcheck", "graph", "demo", "bench", "sweep"]) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    }
  });

  it("lists every flag it accepts in each command's --help", async () => {
    const flags = {
      train: [
        "--dataset", "--data", "--target", "--features", "--task", "--categorical", "--test-fraction", "--test-data", "--skip-lines", "--split-seed", "--train-subset",
        "--hidden", "--activation", "--weight-init-std", "--weight-decay", "--dropout", "--batch-norm",
        "--optimizer", "--lr", "--decay-rate", "--batch-size", "--epochs", "--iters", "--sampling", "--dtype", "--seed",
        "--eval-every", "--eval-samples", "--patience", "--min-improvement", "--ode-method", "--rtol", "--atol", "--jacobian", "--flow-time", "--gtol", "--save", "--resume", "--history", "--report", "--report-png", "--quiet", "--json", "--help",
      ],
      evaluate: ["--model", "--data", "--skip-lines", "--json", "--help"],
      predict: ["--model", "--data", "--out", "--skip-lines", "--help"],
      graph: ["--model", "--hidden", "--activation", "--weight-init-std", "--weight-decay", "--dropout", "--batch-norm", "--seed", "--dataset", "--data", "--target", "--features", "--task", "--categorical", "--skip-lines", "--samples", "--out", "--neurons", "--help"],
      report: ["--history", "--out", "--png", "--help"],
      gradcheck: ["--hidden", "--activation", "--weight-init-std", "--weight-decay", "--dropout", "--batch-norm", "--samples", "--seed", "--tolerance", "--json", "--help"],
    };
    for (const [command, names] of Object.entries(flags)) {
      const { code, stdout } = await cli(command, "--help");
      expect(code).toBe(0);
      const listed = [...stdout.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]);
      expect(listed).toEqual(names);
    }
    const demo = await cli("demo", "--help");
    expect(demo.stdout).toMatch(/buy-apple .*\n.*buy-apple-orange/);
  });

  it("prints its version, the packages' 0.2.0", async () => {
    expect(await cli("--version")).toEqual({ code: 0, stdout: "backprop 0.2.0\n", stderr: "" });
    expect(await cli("version")).toEqual({ code: 0, stdout: "backprop 0.2.0\n", stderr: "" });
  });

  it("rejects an unknown command with exit code 2", async () => {
    const { code, stdout, stderr } = await cli("fit");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe("backprop: unknown command 'fit' (commands: train, evaluate, predict, export, report, gradcheck, graph, demo, bench, sweep, playground)\n");
  });

  it("rejects an unknown demo and a missing name with exit code 2", async () => {
    expect(await cli("demo", "buy-pear")).toMatchObject({ code: 2, stdout: "", stderr: expect.stringMatching(/^backprop demo: unknown demo 'buy-pear' \(demos: buy-apple, buy-apple-orange, [a-z, -]+\)\n$/) });
    expect(await cli("demo")).toMatchObject({ code: 2, stdout: "", stderr: expect.stringMatching(/^backprop demo: expected one demo name \(buy-apple, buy-apple-orange, [a-z, -]+\), got 0\n$/) });
    expect(await cli("demo", "buy-apple", "--png")).toMatchObject({ code: 2, stderr: "backprop demo buy-apple: unknown flag --png (see backprop demo buy-apple --help)\n" });
  });

  describe("bad train flags give one line on stderr and exit code 2, before any data is loaded", () => {
    const cases: [string[], RegExp][] = [
      [["--foo"], /^backprop train: unknown flag --foo \(see backprop train --help\)\n$/],
      [["--batch-size", "0"], /^backprop train: --batch-size must be a positive integer, got '0'\n$/],
      [["--batch-size", "2.5"], /^backprop train: --batch-size must be a positive integer, got '2\.5'\n$/],
      [["--lr", "abc"], /^backprop train: --lr must be a positive number, got 'abc'\n$/],
      [["--lr", "-0.1"], /^backprop train: --lr must be a positive number, got '-0\.1'\n$/],
      [["--lr", "0"], /^backprop train: --lr must be a positive number, got '0'\n$/],
      [["--lr", "Infinity"], /^backprop train: --lr must be a positive number, got 'Infinity'\n$/],
      [["--epochs", "-3"], /^backprop train: --epochs must be a positive integer, got '-3'\n$/],
      [["--epochs", "0"], /^backprop train: --epochs must be a positive integer, got '0'\n$/],
      [["--epochs", "x"], /^backprop train: --epochs must be a positive integer, got 'x'\n$/],
      [["--iters", "0"], /^backprop train: --iters must be a positive integer, got '0'\n$/],
      [["--iters", "-5"], /^backprop train: --iters must be a positive integer, got '-5'\n$/],
      [["--iters", "ten"], /^backprop train: --iters must be a positive integer, got 'ten'\n$/],
      [["--hidden", "0"], /^backprop train: --hidden must be a positive integer or a comma-separated list of them, got '0'\n$/],
      [["--hidden", "-2"], /^backprop train: --hidden must be a positive integer or a comma-separated list of them, got '-2'\n$/],
      [["--hidden", "100,,50"], /^backprop train: --hidden must be a positive integer or a comma-separated list of them, got '100,,50'\n$/],
      [["--hidden", "100,50,"], /^backprop train: --hidden must be a positive integer or a comma-separated list of them, got '100,50,'\n$/],
      [["--hidden", "1e2"], /^backprop train: --hidden must be a positive integer or a comma-separated list of them, got '1e2'\n$/],
      [["--activation", "gelu"], /^backprop train: --activation must be relu, sigmoid, tanh, got 'gelu'\n$/],
      [["--weight-init-std", "kaiming"], /^backprop train: --weight-init-std must be a positive number, he or xavier, got 'kaiming'\n$/],
      [["--weight-init-std", "0"], /^backprop train: --weight-init-std must be a positive number, he or xavier, got '0'\n$/],
      [["--weight-decay", "-0.1"], /^backprop train: --weight-decay must be a non-negative number, got '-0\.1'\n$/],
      [["--weight-decay", "x"], /^backprop train: --weight-decay must be a non-negative number, got 'x'\n$/],
      [["--dropout", "1"], /^backprop train: --dropout must be a ratio between 0 and 1, got '1'\n$/],
      [["--dropout", "0"], /^backprop train: --dropout must be a ratio between 0 and 1, got '0'\n$/],
      [["--optimizer", "lbfgs"], /^backprop train: --optimizer must be sgd, momentum, nesterov, adagrad, rmsprop, adam, got 'lbfgs'\n$/],
      [["--optimizer", "adam", "--lr", "-1"], /^backprop train: --lr must be a positive number, got '-1'\n$/],
      [["--batch-norm", "yes"], /^backprop train: unexpected argument 'yes'\n$/],
      [["--batch-size", "-1"], /^backprop train: --batch-size must be a positive integer, got '-1'\n$/],
      [["--batch-size", "many"], /^backprop train: --batch-size must be a positive integer, got 'many'\n$/],
      [["--epochs", "2", "--iters", "5"], /^backprop train: give --epochs or --iters, not both\n$/],
      [["--dtype", "float16"], /^backprop train: --dtype must be float64 or float32, got 'float16'\n$/],
      [["--sampling", "random"], /^backprop train: --sampling must be shuffle or replace, got 'random'\n$/],
      [["--eval-every", "0"], /^backprop train: --eval-every must be a positive integer, got '0'\n$/],
      [["--save", "/no/such/folder/m.bp"], /^backprop train: --save \/no\/such\/folder\/m\.bp: folder \/no\/such\/folder does not exist\n$/],
      [["--history", "/no/such/folder/h.csv"], /^backprop train: --history \/no\/such\/folder\/h\.csv: folder \/no\/such\/folder does not exist\n$/],
      [["--history", "h.txt"], /^backprop train: --history must name a \.json or \.csv file, got 'h\.txt'\n$/],
      [["--hidden", ""], /^backprop train: --hidden must be a positive integer or a comma-separated list of them, got ''\n$/],
      [["--seed", "-1"], /^backprop train: --seed must be a non-negative integer, got '-1'\n$/],
      [["--lr"], /^backprop train: --lr needs a value\n$/],
      [["extra"], /^backprop train: unexpected argument 'extra'\n$/],
    ];
    for (const [argv, message] of cases) {
      it(argv.join(" "), async () => {
        const { code, stdout, stderr } = await cli("train", ...argv);
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr).toMatch(message);
      });
    }
  });

  it("rejects a batch larger than the training set", async () => {
    const { code, stderr } = await cli("train", "--batch-size", "8001");
    expect(code).toBe(2);
    expect(stderr).toBe("backprop train: --batch-size must be at most the 8000 training samples, got 8001\n");
  });

  it("rejects bad gradcheck flags with exit code 2", async () => {
    expect((await cli("gradcheck", "--tolerance", "x")).stderr).toBe("backprop gradcheck: --tolerance must be a positive number, got 'x'\n");
    expect((await cli("gradcheck", "--samples", "0")).code).toBe(2);
    expect((await cli("gradcheck", "--samples", "8001")).stderr).toBe("backprop gradcheck: --samples must be at most the 8000 training samples, got 8001\n");
  });
});
