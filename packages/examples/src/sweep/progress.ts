// The line a sweep writes on stderr after each finished trial: how many are done, that trial's settings and
// validation metric, the best so far, the time spent and an estimate of the time left.
import type { SweepMetric } from "./sweep-files.js";
import { byValidation, formatMetric } from "./sweep-page.js";
import { describeSettings, type TrialResult } from "./trials.js";

/** Counts a sweep's finished trials (those of earlier runs included) and keeps the best. */
export class SweepProgress {
  private done: number;
  private doneHere = 0;
  private best?: TrialResult;
  private readonly started = performance.now();

  constructor(
    private readonly total: number,
    private readonly metric: SweepMetric,
    earlier: readonly TrialResult[],
  ) {
    this.done = earlier.length;
    for (const r of earlier) this.keepBest(r);
  }

  /**
   * "[3/20] trial 7: lr 3.16e-4  weight decay 1.23e-6  hidden 100x3  adam  batch 100 -> val acc 0.8700 (train acc
   * 0.9125) | best: trial 1, val acc 0.8800 | 12.3 s, about 41 s left"; the time left assumes that the trials still
   * to run take as long as the ones this run has finished.
   */
  line(r: TrialResult): string {
    this.done++;
    this.doneHere++;
    this.keepBest(r);
    const { label } = this.metric;
    const outcome = r.status === "ok" ? `val ${label} ${formatMetric(this.metric, r.validation as number)} (train ${label} ${formatMetric(this.metric, r.train as number)})` : `diverged at step ${r.steps}`;
    const best = this.best ? `best: trial ${this.best.trial}, val ${label} ${formatMetric(this.metric, this.best.validation as number)}` : "best: none yet (every trial diverged)";
    const elapsed = (performance.now() - this.started) / 1000;
    const left = this.done < this.total ? `, about ${formatSeconds((elapsed / this.doneHere) * (this.total - this.done))} left` : "";
    return `[${this.done}/${this.total}] trial ${r.trial}: ${describeSettings(r)} -> ${outcome} | ${best} | ${formatSeconds(elapsed)}${left}\n`;
  }

  private keepBest(r: TrialResult): void {
    if (r.status !== "ok") return;
    const candidate = { trial: r.trial, validation: r.validation as number };
    if (this.best === undefined || byValidation(this.metric)(candidate, { trial: this.best.trial, validation: this.best.validation as number }) < 0) this.best = r;
  }
}

/** 12.3 s, 4 min 05 s, 2 h 07 min. */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const seconds = Math.round(s);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
  const minutes = Math.round(s / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}
