import { Random, type Tensor } from "@backprop/core";
import type { BatchSource, Net, Optimizer } from "@backprop/layers";
import type { Output } from "./output.js";

/** A net and the optimizer that updates it. */
export interface Contestant {
  net: Net;
  optimizer: Optimizer;
}

export interface SideBySideOptions {
  batchSize: number;
  steps: number;
  /** Seed of the batches, drawn from a stream of their own, `${seed}/batches`, as the Trainer's. */
  seed: number | string;
}

// between steps the loop gives the event loop a turn, so that Ctrl-C can ask it to stop
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The book's loop for nets compared side by side: step i = 0, 1, ... draws one mini-batch of `batchSize` samples
 * with replacement (np.random.choice) from `train`, updates every net on it with its own optimizer, and then calls
 * `after(i, x, t)`. Stops early, returning "stopped", once `out.signal` is aborted.
 */
export async function trainSideBySide(
  train: BatchSource,
  contestants: readonly Contestant[],
  options: SideBySideOptions,
  out: Output,
  after?: (i: number, x: Tensor, t: Tensor) => void,
): Promise<"done" | "stopped"> {
  const rng = new Random(`${options.seed}/batches`);
  for (let i = 0; i < options.steps; i++) {
    if (out.signal?.aborted) return "stopped";
    const { x, t } = train.batch(rng.choice(train.length, options.batchSize));
    for (const { net, optimizer } of contestants) optimizer.update(net.params, net.gradient(x, t));
    after?.(i, x, t);
    await nextTurn();
  }
  return "done";
}

/** Says on stderr that `command` stopped at a signal; returns the exit code 130. */
export function interrupted(command: string, out: Output): number {
  out.stderr(`${command}: interrupted\n`);
  return 130;
}

/**
 * The book's epochs of a loop drawn with replacement (batch_norm_test.py, overfit_*.py, common/trainer.py): it
 * measures epoch k = 0, 1, ... right after update k * itersPerEpoch + 1, that is at step i = k * itersPerEpoch,
 * with the book's itersPerEpoch = max(trainSize / batchSize, 1) (the demos' sizes are multiples of their batch).
 */
export function bookEpochs(trainSize: number, batchSize: number, epochs: number): { itersPerEpoch: number; steps: number; epochAt(i: number): number | null } {
  const itersPerEpoch = Math.max(trainSize / batchSize, 1);
  return {
    itersPerEpoch,
    steps: (epochs - 1) * itersPerEpoch + 1,
    epochAt: (i) => (i % itersPerEpoch === 0 ? i / itersPerEpoch : null),
  };
}
