import { describe, expect, it } from "vitest";
import type { TrialResult, TrialSettings } from "../../src/sweep/trials.js";
import { runTrials, type TrialRunner } from "../../src/sweep/worker-pool.js";

const trial = (k: number): TrialSettings => ({ trial: k, lr: 0.1, weightDecay: 0, hidden: [10], optimizer: "sgd", batchSize: 10, seed: k });
const result = (t: TrialSettings): TrialResult => ({ ...t, status: "ok", train: 0.5, validation: 0.5, loss: 1, steps: 1, ms: 0 });

/** A runner whose answer to each trial `answer` decides: a result, no result at once, or "wait" for stop(). */
class FakeRunner implements TrialRunner {
  private waiting?: (r: undefined) => void;

  constructor(private readonly answer: (t: TrialSettings) => TrialResult | undefined | "wait") {}

  run(t: TrialSettings): Promise<TrialResult | undefined> {
    const a = this.answer(t);
    return a === "wait" ? new Promise((resolve) => (this.waiting = resolve)) : Promise.resolve(a);
  }

  async stop(): Promise<void> {
    this.waiting?.(undefined);
  }
}

describe("runTrials", () => {
  it("runs every trial on the runners and resolves with none left undone", async () => {
    const done: number[] = [];
    const left = await runTrials([1, 2, 3, 4].map(trial), [new FakeRunner(result), new FakeRunner(result)], (r) => done.push(r.trial));
    expect(left).toEqual([]);
    expect(done.sort()).toEqual([1, 2, 3, 4]);
  });

  it("a runner giving no result when nothing stopped it (as one whose thread is gone did) fails the sweep: no interrupt that did not happen", async () => {
    const done: number[] = [];
    const runner = new FakeRunner((t) => (t.trial === 1 ? result(t) : undefined));
    await expect(runTrials([1, 2, 3].map(trial), [runner], (r) => done.push(r.trial))).rejects.toThrow(/^runTrials: trial 2 gave no result, though nothing stopped the sweep$/);
    expect(done).toEqual([1]);
  });

  it("an abort during trial 2 stops it: no result is then an interrupt, and trials 2 and 3 are left undone", async () => {
    const stop = new AbortController();
    const done: number[] = [];
    const runner = new FakeRunner((t) => {
      if (t.trial === 1) return result(t);
      queueMicrotask(() => stop.abort());
      return "wait";
    });
    const left = await runTrials([1, 2, 3].map(trial), [runner], (r) => done.push(r.trial), stop.signal);
    expect(left.map((t) => t.trial)).toEqual([2, 3]);
    expect(done).toEqual([1]);
  });
});
