// Runs a sweep's trials N at once: each runner takes the next trial from the queue as soon as it is free, in this
// process (one at a time) or in a worker thread of its own (node:worker_threads), so that every core trains.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { UsageError } from "../args.js";
import { RunFailed } from "../train-command.js";
import { runTrial } from "./run-trial.js";
import type { SweepData } from "./sweep-data.js";
import type { SweepSettings } from "./sweep-settings.js";
import type { TrialResult, TrialSettings } from "./trials.js";

/** Trains one trial at a time. */
export interface TrialRunner {
  /** The trial's result, or undefined when the runner was stopped before it finished. */
  run(t: TrialSettings): Promise<TrialResult | undefined>;
  /** Stops the trial under way (its result is lost) and frees the runner. */
  stop(): Promise<void>;
}

/** Trials in this thread: the trainer gives the event loop a turn between steps, so that a stop is seen. */
export class InProcessRunner implements TrialRunner {
  private stopped = false;

  constructor(
    private readonly settings: SweepSettings,
    private readonly data: SweepData,
    private readonly command: string,
  ) {}

  run(t: TrialSettings): Promise<TrialResult | undefined> {
    return this.stopped ? Promise.resolve(undefined) : runTrial(t, this.settings, this.data, this.command, () => this.stopped);
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

/**
 * Where the worker's script is: sweep-worker.js beside the file this code is in, which is bundle/cli.js in the
 * esbuild bundle (bundle/sweep-worker.js) and dist/sweep/worker-pool.js in the tsc build (dist/sweep/sweep-worker.js).
 */
export const WORKER_URL = new URL("./sweep-worker.js", import.meta.url);

/** A message from a worker: a trial's result (undefined: it was stopped) or the error it threw. */
export type WorkerReply = { result: TrialResult | undefined } | { error: { message: string; stack?: string } };

/** Whether the worker's script is there: it is beside the bundle and the tsc build, not beside the TypeScript sources. */
export function hasWorkerScript(script: URL = WORKER_URL): boolean {
  return existsSync(fileURLToPath(script));
}

/**
 * Trials in a worker thread, which reads the sweep's data once when it starts (workerData: the settings). A thread
 * that ends without our stop (it threw, or was killed) fails the trial under way, or else the next one handed to it.
 */
export class WorkerRunner implements TrialRunner {
  /** The thread, running `script` (a test ends it as a crash would). */
  readonly worker: Worker;
  private pending?: { trial: number; resolve(r: TrialResult | undefined): void; reject(e: unknown): void };
  private stopping = false;
  private exitCode?: number;
  /** What the thread threw with no trial under way to fail. */
  private lastError?: Error;

  constructor(
    settings: SweepSettings,
    private readonly command: string,
    script: URL = WORKER_URL,
  ) {
    if (!hasWorkerScript(script)) {
      throw new UsageError(`${command}: --workers needs the worker script ${fileURLToPath(script)}, which is missing (the TypeScript sources have none): build the bundle (node scripts/build.mjs), or give --workers 1`);
    }
    this.worker = new Worker(script, { workerData: { settings, command } });
    this.worker.on("message", (reply: WorkerReply) => {
      const pending = this.take();
      if ("error" in reply) pending?.reject(Object.assign(new Error(reply.error.message), { stack: reply.error.stack }));
      else pending?.resolve(reply.result);
    });
    this.worker.on("error", (error) => {
      const pending = this.take();
      if (pending) pending.reject(error);
      else this.lastError = error;
    });
    this.worker.on("exit", (code) => {
      this.exitCode = code;
      const pending = this.take();
      if (this.stopping) pending?.resolve(undefined);
      else pending?.reject(new RunFailed(`${command}: a worker thread exited with code ${code} in the middle of trial ${pending?.trial}`));
    });
  }

  run(t: TrialSettings): Promise<TrialResult | undefined> {
    if (this.stopping) return Promise.resolve(undefined);
    if (this.exitCode !== undefined) {
      const why = this.lastError ? ` (${this.lastError.message})` : "";
      return Promise.reject(new RunFailed(`${this.command}: a worker thread exited with code ${this.exitCode}${why} before trial ${t.trial}, without being stopped`));
    }
    return new Promise((resolve, reject) => {
      this.pending = { trial: t.trial, resolve, reject };
      this.worker.postMessage(t);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.exitCode === undefined) await this.worker.terminate();
  }

  private take(): WorkerRunner["pending"] {
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }
}

/**
 * Runs `trials` on `runners`, each taking the next trial as soon as it is free, and hands every finished trial to
 * `onResult` as it comes (in the order they finish). An aborted `signal` stops every runner at once; a runner's
 * error, or onResult's, stops the others and is thrown, as is a runner's giving no result when nothing stopped it.
 * Resolves with the trials left undone: only an abort leaves any. The runners are stopped at the end.
 */
export async function runTrials(trials: TrialSettings[], runners: TrialRunner[], onResult: (r: TrialResult) => void, signal?: AbortSignal): Promise<TrialSettings[]> {
  const queue = [...trials];
  const undone = new Set(trials.map((t) => t.trial));
  let failure: { error: unknown } | undefined;
  const stopAll = (): Promise<void[]> => Promise.all(runners.map((r) => r.stop()));
  const onAbort = (): void => void stopAll();
  signal?.addEventListener("abort", onAbort, { once: true });
  // only an abort or a runner's failure stops the runners, and only a stop leaves a trial without a result
  const stopped = (): boolean => signal?.aborted === true || failure !== undefined;
  const work = async (runner: TrialRunner): Promise<void> => {
    while (queue.length > 0 && !stopped()) {
      const t = queue.shift() as TrialSettings;
      try {
        const result = await runner.run(t);
        if (result === undefined) {
          if (stopped()) return;
          throw new Error(`runTrials: trial ${t.trial} gave no result, though nothing stopped the sweep`);
        }
        undone.delete(t.trial);
        onResult(result);
      } catch (error) {
        failure ??= { error };
        await stopAll();
      }
    }
  };
  try {
    await Promise.all(runners.map(work));
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await stopAll();
  }
  if (failure) throw failure.error;
  return trials.filter((t) => undone.has(t.trial));
}
