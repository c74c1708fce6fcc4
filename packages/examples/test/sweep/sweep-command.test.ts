import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Random } from "@backprop/core";
import { loadMnist } from "@backprop/datasets/node";
import { Adam, MultiLayerNet, SGD, Trainer } from "@backprop/layers";
import { describe, expect, it } from "vitest";
import { subset } from "../../src/demo-subset.js";
import { run } from "../../src/index.js";
import { cli, expectRefused, tempDir } from "../helpers.js";

// tiny trials: 160 train + 40 validation digits, 2 epochs of 2 steps each
const SWEEP = ["sweep", "--trials", "6", "--lr", "1e-3..1e-1:log", "--weight-decay", "1e-8..1e-4:log", "--hidden", "10,20,10x2", "--optimizer", "sgd,adam", "--epochs", "2", "--train-samples", "200", "--workers", "1"];

interface Line {
  trial: number;
  lr: number;
  weightDecay: number;
  hidden: number[];
  optimizer: string;
  batchSize: number;
  seed: number;
  status: string;
  train: number | null;
  validation: number | null;
  ms: number;
  error?: string;
}

/** The sweep in this process: stops (as Ctrl-C would) once `stopAfter` trials have finished; returns the trials it reported. */
async function sweep(args: string[], stopAfter?: number): Promise<{ code: number; stdout: string; stderr: string; reported: number[] }> {
  const stop = new AbortController();
  let stdout = "";
  let stderr = "";
  const reported: number[] = [];
  const code = await run(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => {
      stderr += t;
      const trial = /^\[\d+\/\d+\] trial (\d+):/.exec(t)?.[1];
      if (trial !== undefined) reported.push(Number(trial));
      if (reported.length === stopAfter) stop.abort();
    },
    signal: stop.signal,
  });
  return { code, stdout, stderr, reported };
}

/** SWEEP with the flags of `changes` set to their values (added where SWEEP has none). */
function sweepWith(changes: Record<string, string>): string[] {
  const args = [...SWEEP];
  for (const [flag, value] of Object.entries(changes)) {
    const at = args.indexOf(`--${flag}`);
    if (at >= 0) args[at + 1] = value;
    else args.push(`--${flag}`, value);
  }
  return args;
}

const lines = (dir: string): Line[] => readFileSync(join(dir, "trials.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Line);
const withoutTime = (ls: Line[]): Omit<Line, "ms">[] => ls.map(({ ms: _, ...rest }) => rest).sort((a, b) => a.trial - b.trial);

describe("backprop sweep", () => {
  const whole = tempDir();
  let wholeRun: Awaited<ReturnType<typeof sweep>>;

  it("runs 6 trials with a fixed seed: the same trials and results, bit for bit, twice; another seed other ones", async () => {
    wholeRun = await sweep([...SWEEP, "--out", whole]);
    expect(wholeRun.code).toBe(0);
    expect(wholeRun.stdout).toContain("sweep of 6 trials on 160 train + 40 validation samples of the first 200 of 8000 train / 2000 test digits (embedded)\n");
    expect(wholeRun.stdout).toContain("1 trial at a time, in this process; results in");
    expect(wholeRun.reported).toEqual([1, 2, 3, 4, 5, 6]);
    const again = tempDir();
    expect((await sweep([...SWEEP, "--out", again])).code).toBe(0);
    expect(readFileSync(join(again, "trials.csv"), "utf8")).toBe(readFileSync(join(whole, "trials.csv"), "utf8"));
    expect(withoutTime(lines(again))).toEqual(withoutTime(lines(whole)));
    expect(lines(whole).every((l) => l.status === "ok" && typeof l.validation === "number")).toBe(true);

    const other = tempDir();
    expect((await sweep([...SWEEP, "--seed", "1", "--out", other])).code).toBe(0);
    const [a, b] = [lines(whole), lines(other)];
    expect(a.map((l) => l.lr).some((lr, k) => lr === b[k].lr)).toBe(false);
  });

  it("measures each trial on a validation part of the training digits: trial 2 retrained here from its line gives its figures", () => {
    const line = lines(whole).find((l) => l.trial === 2) as Line;
    // the first 200 training digits, shuffled by Random("0/validation"), the first 20% held out
    const digits = subset(loadMnist().train, Int32Array.from({ length: 200 }, (_, i) => i));
    const order = new Random("0/validation").permutation(200);
    const [val, train] = [subset(digits, order.subarray(0, 40)), subset(digits, order.subarray(40))];
    const net = new MultiLayerNet(784, line.hidden, 10, { weightInitStd: "he", weightDecayLambda: line.weightDecay, seed: line.seed });
    const optimizer = line.optimizer === "adam" ? new Adam(line.lr) : new SGD(line.lr);
    const trainer = new Trainer(net, optimizer, train, val, { batchSize: 100, iters: 4, evalEvery: 4, seed: line.seed });
    return trainer.run().then(() => {
      expect(trainer.history.testAcc).toEqual([line.validation]);
      expect(trainer.history.trainAcc).toEqual([line.train]);
    });
  });

  it("writes trials.jsonl (a line per trial), trials.csv (a row per trial, by number) and sweep.json", () => {
    const csv = readFileSync(join(whole, "trials.csv"), "utf8").trimEnd().split("\n");
    expect(csv[0]).toBe("trial,status,lr,weight_decay,hidden,optimizer,batch_size,seed,train_acc,val_acc,loss,steps");
    expect(csv.slice(1).map((row) => row.split(",")[0])).toEqual(["1", "2", "3", "4", "5", "6"]);
    const byTrial = new Map(lines(whole).map((l) => [l.trial, l]));
    for (const row of csv.slice(1)) {
      const [trial, status, lr, , hidden, optimizer, batch, seed, , val, , steps] = row.split(",");
      const l = byTrial.get(Number(trial)) as Line;
      expect([status, Number(lr), hidden, optimizer, Number(batch), Number(seed), Number(val), Number(steps)]).toEqual([l.status, l.lr, l.hidden.length === 2 ? "10x2" : String(l.hidden[0]), l.optimizer, 100, l.seed, l.validation, 4]);
    }
    const record = JSON.parse(readFileSync(join(whole, "sweep.json"), "utf8"));
    expect(record.flags).toMatchObject({ trials: "6", lr: "1e-3..0.1:log", "weight-decay": "1e-8..1e-4:log", hidden: "10,20,10x2", optimizer: "sgd,adam", epochs: "2", seed: "0", "train-samples": "200" });
    expect(record.metric).toEqual({ name: "acc", label: "acc", lowerIsBetter: false });
    expect(existsSync(join(whole, "sweep.html"))).toBe(true);
  });

  for (const k of [2, 5]) {
    it(`continues after an interrupt after ${k} trials without redoing them: exactly ${6 - k} trained, the same results`, async () => {
      const dir = tempDir();
      const stopped = await sweep([...SWEEP, "--out", dir], k);
      expect(stopped.code).toBe(130);
      expect(stopped.stderr).toContain(`backprop sweep: interrupted: ${k} of 6 trials done, kept in ${dir} (trials.jsonl, trials.csv, sweep.html); continue with the same command: backprop sweep ${[...SWEEP.slice(1), "--out", dir].join(" ")}\n`);
      const before = readFileSync(join(dir, "trials.jsonl"), "utf8");
      expect(before.trimEnd().split("\n")).toHaveLength(k);
      expect(readFileSync(join(dir, "trials.csv"), "utf8").trimEnd().split("\n")).toHaveLength(k + 1);

      const resumed = await sweep([...SWEEP, "--out", dir]);
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toContain(`sweep of 6 trials (${k} done before, ${6 - k} to run)`);
      expect(resumed.reported).toEqual(Array.from({ length: 6 - k }, (_, i) => k + 1 + i));
      const after = readFileSync(join(dir, "trials.jsonl"), "utf8");
      expect(after.startsWith(before)).toBe(true);
      expect(readFileSync(join(dir, "trials.csv"), "utf8")).toBe(readFileSync(join(whole, "trials.csv"), "utf8"));
    });
  }

  it("a finished sweep re-run trains nothing (whatever --workers), and a larger --trials trains only the new ones", async () => {
    const dir = tempDir();
    expect((await sweep([...SWEEP, "--out", dir])).code).toBe(0);
    const before = readFileSync(join(dir, "trials.jsonl"), "utf8");
    const done = await sweep(sweepWith({ workers: "2", out: dir }));
    expect(done.code).toBe(0);
    expect(done.reported).toEqual([]);
    expect(readFileSync(join(dir, "trials.jsonl"), "utf8")).toBe(before);
    const extended = await sweep(sweepWith({ trials: "8", out: dir }));
    expect(extended.code).toBe(0);
    expect(extended.reported).toEqual([7, 8]);
    expect(readFileSync(join(dir, "trials.jsonl"), "utf8").startsWith(before)).toBe(true);
  });

  it("refuses another command on the folder with one line saying what differs, and leaves the folder as it was", async () => {
    const dir = tempDir();
    expect((await sweep([...SWEEP, "--out", dir])).code).toBe(0);
    const files = ["trials.jsonl", "trials.csv", "sweep.json"].map((f) => readFileSync(join(dir, f), "utf8"));
    const command = `backprop sweep ${[...SWEEP.slice(1), "--out", dir].join(" ")}`;
    await expectRefused(sweepWith({ epochs: "3", out: dir }), new RegExp(`^backprop sweep: ${dir} holds another sweep: --epochs 2 there, 3 here; continue it with its own command \\(${escape(command)}\\), or give another --out$`));
    await expectRefused(sweepWith({ lr: "1e-4..1e-1:log", out: dir }), /holds another sweep: --lr 1e-3\.\.0\.1:log there, 1e-4\.\.0\.1:log here; continue/);
    await expectRefused(sweepWith({ trials: "4", seed: "3", out: dir }), /holds another sweep: --trials 6 there, 4 here; --seed 0 there, 3 here; continue/);
    expect(["trials.jsonl", "trials.csv", "sweep.json"].map((f) => readFileSync(join(dir, f), "utf8"))).toEqual(files);

    const stranger = tempDir();
    writeFileSync(join(stranger, "notes.txt"), "mine\n");
    await expectRefused([...SWEEP, "--out", stranger], /^backprop sweep: --out .* is not empty and holds no sweep\.json, expected a new or empty folder, or a sweep's folder to continue$/);
  });

  it("refuses a trials.jsonl whose trial does not hold the settings this sweep draws for it", async () => {
    const dir = tempDir();
    expect((await sweep([...SWEEP, "--out", dir], 2)).code).toBe(130);
    const [first, second] = readFileSync(join(dir, "trials.jsonl"), "utf8").trimEnd().split("\n");
    writeFileSync(join(dir, "trials.jsonl"), `${first}\n${second.replace(/"lr":[^,]+/, '"lr":0.5')}\n`);
    await expectRefused([...SWEEP, "--out", dir], /trials\.jsonl line 2: trial 2's settings are not the ones this sweep draws for it: the file was edited, or is another sweep's$/);
    // a last line cut short by a kill is dropped and its trial run again
    writeFileSync(join(dir, "trials.jsonl"), `${first}\n${second.slice(0, 30)}`);
    const resumed = await sweep([...SWEEP, "--out", dir]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/its last line was cut short .* and is dropped; that trial runs again\n/);
    expect(resumed.reported).toEqual([2, 3, 4, 5, 6]);
  });

  it("refuses a trials.jsonl with a bad line before a cut-short last one, and leaves the file byte for byte", async () => {
    const dir = tempDir();
    expect((await sweep([...SWEEP, "--out", dir], 2)).code).toBe(130);
    const [first, second] = readFileSync(join(dir, "trials.jsonl"), "utf8").trimEnd().split("\n");
    const broken = `${first.replace(/"lr":[^,]+/, '"lr":0.5')}\n${second.slice(0, 30)}`;
    writeFileSync(join(dir, "trials.jsonl"), broken);
    await expectRefused([...SWEEP, "--out", dir], /trials\.jsonl line 1: trial 1's settings are not the ones this sweep draws for it: the file was edited, or is another sweep's$/);
    expect(readFileSync(join(dir, "trials.jsonl"), "utf8")).toBe(broken);
  });

  it("refuses an --out whose parent folder does not exist or is a file, with one line naming --out, and makes nothing", async () => {
    const root = tempDir();
    const file = join(root, "afile");
    writeFileSync(file, "mine\n");
    await expectRefused([...SWEEP, "--out", join(file, "sub")], new RegExp(`^backprop sweep: --out ${escape(join(file, "sub"))}: ${escape(file)} is a file, not a folder$`));
    await expectRefused([...SWEEP, "--out", join(file, "sub", "s")], new RegExp(`^backprop sweep: --out ${escape(join(file, "sub", "s"))}: folder ${escape(join(file, "sub"))} does not exist$`));
    expect(readFileSync(file, "utf8")).toBe("mine\n");
    await expectRefused([...SWEEP, "--out", join(root, "missing", "a", "b")], new RegExp(`^backprop sweep: --out ${escape(join(root, "missing", "a", "b"))}: folder ${escape(join(root, "missing", "a"))} does not exist$`));
    expect(existsSync(join(root, "missing"))).toBe(false);
    // a new folder in one that exists is made
    expect((await sweep(sweepWith({ trials: "1", out: join(root, "new") }))).code).toBe(0);
    expect(existsSync(join(root, "new", "trials.jsonl"))).toBe(true);
  });

  it.skipIf(!existsSync("/proc/self"))("refuses an --out in /proc with one line, where a recursive mkdir would spin for ever", async () => {
    await expectRefused([...SWEEP, "--out", "/proc/xyz/s"], /^backprop sweep: --out \/proc\/xyz\/s: folder \/proc\/xyz does not exist$/);
    await expectRefused([...SWEEP, "--out", "/proc/s"], /^backprop sweep: --out \/proc\/s: cannot make the folder \/proc\/s \(ENOENT: no such file or directory, mkdir '\/proc\/s'\)$/);
  });

  it("without --workers, from the TypeScript sources (no worker script), runs the trials in this process and says why", async () => {
    const dir = tempDir();
    const args = [...SWEEP];
    args.splice(args.indexOf("--workers"), 2);
    const { code, stdout } = await sweep([...args, "--out", dir]);
    expect(code).toBe(0);
    // on a machine of one core the default is 1 anyway, with no worker thread to miss
    const where = availableParallelism() > 1 ? "in this process (no worker script beside the CLI)" : "in this process";
    expect(stdout).toContain(`\n1 trial at a time, ${where}; results in ${dir}\n`);
    expect(readFileSync(join(dir, "trials.csv"), "utf8")).toBe(readFileSync(join(whole, "trials.csv"), "utf8"));
  });

  it("records a trial that diverges as finished, with status diverged and no metric; the others train as usual", async () => {
    const dir = tempDir();
    const args = ["sweep", "--trials", "6", "--lr", "0.01,1e4", "--optimizer", "sgd", "--hidden", "10", "--epochs", "2", "--train-samples", "200", "--workers", "1", "--out", dir];
    const { code, stdout, stderr } = await sweep(args);
    expect(code).toBe(0);
    const ls = lines(dir);
    expect(ls).toHaveLength(6);
    const [diverged, ok] = [ls.filter((l) => l.lr === 1e4), ls.filter((l) => l.lr === 0.01)];
    expect(diverged.length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThan(0);
    for (const l of diverged) {
      expect([l.status, l.train, l.validation]).toEqual(["diverged", null, null]);
      expect(l.error).toMatch(/^the weights' norm grew from .* by iteration \d+; training stopped there, try a learning rate smaller than 10000$/);
      expect(stderr).toMatch(new RegExp(`trial ${l.trial}: lr 1\\.00e\\+4 .* -> diverged at step \\d+ `));
    }
    for (const l of ok) expect([l.status, typeof l.validation]).toEqual(["ok", "number"]);
    const csv = readFileSync(join(dir, "trials.csv"), "utf8").trimEnd().split("\n");
    expect(csv[diverged[0].trial]).toMatch(/^\d+,diverged,10000,.*,,,,2$/);
    expect(stdout).toContain(`the best ${ok.length} of 6 trials by validation acc (${diverged.length} diverged):`);
  });

  it("ranks a regression by its validation MAE, lower first", async () => {
    const dir = tempDir();
    const { code, stdout } = await sweep(["sweep", "--dataset", "penguins", "--trials", "3", "--lr", "1e-3..1e-2:log", "--hidden", "8", "--optimizer", "adam", "--batch-size", "16", "--epochs", "2", "--workers", "1", "--out", dir]);
    expect(code).toBe(0);
    // penguins: 266 training rows, all of them (fewer than 500), 53 held out
    expect(stdout).toContain("sweep of 3 trials on 213 train + 53 validation samples of the first 266 of 266 training rows of penguins.json\n");
    expect(readFileSync(join(dir, "trials.csv"), "utf8").split("\n")[0]).toBe("trial,status,lr,weight_decay,hidden,optimizer,batch_size,seed,train_mae,val_mae,loss,steps");
    const maes = lines(dir).map((l) => l.validation as number);
    const best = Math.min(...maes);
    expect(stdout).toMatch(new RegExp(`Best-1 +${lines(dir).find((l) => l.validation === best)?.trial} +${Number(best.toPrecision(5))} `));
  });

  it("--workers 2 given from the TypeScript sources still says the worker script is missing", async () => {
    const { code, stderr } = await cli(...sweepWith({ workers: "2", out: tempDir() }));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^backprop sweep: --workers needs the worker script .*src\/sweep\/sweep-worker\.js, which is missing \(the TypeScript sources have none\): build the bundle \(node scripts\/build\.mjs\), or give --workers 1\n$/);
  });

  it("refuses bad flags with one line", async () => {
    const out = ["--out", tempDir()];
    await expectRefused(["sweep"], /^backprop sweep: --out DIR is required: the folder for sweep\.json, trials\.jsonl, trials\.csv, sweep\.html$/);
    await expectRefused(["sweep", "--lr", "1e-2..1e-6:log", ...out], /^backprop sweep: --lr 1e-2\.\.1e-6:log: the low end must be below the high end$/);
    await expectRefused(["sweep", "--lr", "0..1:log", ...out], /^backprop sweep: --lr 0\.\.1:log: a log range needs positive ends$/);
    await expectRefused(["sweep", "--weight-decay", "1e-8..1e-4:ln", ...out], /^backprop sweep: --weight-decay 1e-8\.\.1e-4:ln: unknown scale 'ln', expected log \(a\.\.b:log\) or linear \(a\.\.b\)$/);
    await expectRefused(["sweep", "--optimizer", "sgd,lbfgs", ...out], /^backprop sweep: --optimizer must be a comma-separated choice of sgd, momentum, nesterov, adagrad, rmsprop, adam, got 'lbfgs'$/);
    await expectRefused(["sweep", "--train-samples", "9000", ...out], /^backprop sweep: --train-samples must be at most the 8000 training samples, got 9000$/);
    await expectRefused(["sweep", "--train-samples", "200", "--validation-fraction", "0.001", ...out], /^backprop sweep: --validation-fraction 0\.001 of 200 samples holds out 0, expected at least one for validation and one for training$/);
    await expectRefused(["sweep", "--train-samples", "200", "--batch-size", "100,200", ...out], /^backprop sweep: --batch-size must be at most the 160 samples of the training part, got 200$/);
    await expectRefused(["sweep", "--workers", "0", ...out], /^backprop sweep: --workers must be a positive integer, got '0'$/);
    await expectRefused(["sweep", "--target", "x", ...out], /^backprop sweep: --target is for a table \(--dataset penguins or --data FILE\.csv\), not for images$/);
    await expectRefused(["sweep", "--sampling", "sometimes", ...out], /^backprop sweep: --sampling must be shuffle or replace, got 'sometimes'$/);
  });

  it("--help names every flag it takes", async () => {
    const { code, stdout } = await cli("sweep", "--help");
    expect(code).toBe(0);
    const flags = ["lr", "weight-decay", "hidden", "optimizer", "batch-size", "trials", "epochs", "sampling", "activation", "weight-init-std", "dropout", "batch-norm", "seed", "dataset", "data", "target", "features", "task", "train-samples", "validation-fraction", "workers", "out", "help"];
    expect([...stdout.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1])).toEqual(flags.map((flag) => `--${flag}`));
    await expectRefused(["sweep", "--iters", "5"], /^backprop sweep: unknown flag --iters \(see backprop sweep --help\)$/);
  });
});

/** `text` as a literal in a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
