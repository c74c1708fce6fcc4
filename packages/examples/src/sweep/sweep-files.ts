// A sweep's folder: sweep.json (the command and its settings, so that the same command continues it and another is
// refused), trials.jsonl (a line per finished trial, appended and fsynced as each finishes: nothing finished is lost),
// trials.csv (rewritten whole after each trial) and sweep.html.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, writeSync, type Stats } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "@backprop/layers/node";
import { UsageError } from "../args.js";
import { statOf } from "../output-paths.js";
import { hiddenLabel } from "./search-space.js";
import { settingsDifferences, settingsFlags, type SweepSettings } from "./sweep-settings.js";
import { drawTrial, sameSettings, type TrialResult } from "./trials.js";

export const SWEEP_FILES = { settings: "sweep.json", log: "trials.jsonl", csv: "trials.csv", page: "sweep.html" } as const;

const FORMAT = "backprop-sweep";
const VERSION = 1;

/** What a sweep ranks its trials by: accuracy (higher is better) or a regression's MAE (lower is better). */
export interface SweepMetric {
  /** The history's name: "acc", "mae". */
  name: string;
  /** As a line reads it: "acc", "MAE". */
  label: string;
  lowerIsBetter: boolean;
}

/** sweep.json. */
export interface SweepRecord {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** The command line that started (or last continued) the sweep. */
  command: string;
  /** The settings as flag values (settingsFlags): what a resumed sweep must repeat. */
  flags: Record<string, string>;
  settings: SweepSettings;
  metric: SweepMetric;
}

/**
 * Opens `dir` for the sweep `record`: a new folder (in one that exists) or an empty one starts it; a folder whose
 * sweep.json has the same settings (a larger --trials extends it) continues it, with the trials trials.jsonl holds;
 * anything else is refused with one line saying what differs. Writes sweep.json, and returns the finished trials.
 */
export function openSweepDir(dir: string, record: SweepRecord, command: string, note: (text: string) => void): TrialResult[] {
  const folder = resolve(dir);
  const stat = outStat(folder, dir, command);
  if (stat && !stat.isDirectory()) throw new UsageError(`${command}: --out ${dir} is a file, expected a folder for the sweep's files`);
  if (!stat) {
    const parent = dirname(folder);
    const parentStat = outStat(parent, dir, command);
    if (!parentStat) throw new UsageError(`${command}: --out ${dir}: folder ${parent} does not exist`);
    if (!parentStat.isDirectory()) throw new UsageError(`${command}: --out ${dir}: ${parent} is a file, not a folder`);
  }
  const settingsPath = join(folder, SWEEP_FILES.settings);
  let finished: TrialResult[] = [];
  if (existsSync(settingsPath)) {
    const there = readRecord(settingsPath, command);
    const differences = settingsDifferences(there.flags, record.flags);
    if (differences.length > 0) {
      throw new UsageError(`${command}: ${dir} holds another sweep: ${differences.join("; ")}; continue it with its own command (${there.command}), or give another --out`);
    }
    finished = readTrials(join(folder, SWEEP_FILES.log), record.settings, command, note);
  } else if (stat && readdirSync(folder).length > 0) {
    throw new UsageError(`${command}: --out ${dir} is not empty and holds no ${SWEEP_FILES.settings}, expected a new or empty folder, or a sweep's folder to continue`);
  }
  if (!stat) {
    try {
      mkdirSync(folder);
    } catch (error) {
      throw new UsageError(`${command}: --out ${dir}: cannot make the folder ${folder} (${(error as Error).message})`);
    }
  }
  writeFileAtomic(settingsPath, [`${JSON.stringify(record, null, 2)}\n`]);
  return finished;
}

/** What is at `path` (a part of --out `dir`), undefined when nothing is; a path through a file is nothing too. */
function outStat(path: string, dir: string, command: string): Stats | undefined {
  return statOf(path, (error) => new UsageError(`${command}: --out ${dir}: cannot read ${path} (${error.message})`)).stat;
}

function readRecord(path: string, command: string): SweepRecord {
  let record: Partial<SweepRecord>;
  try {
    record = JSON.parse(readFileSync(path, "utf8")) as Partial<SweepRecord>;
  } catch (error) {
    throw new UsageError(`${command}: ${path} is not JSON (${(error as Error).message}), expected the sweep.json a sweep wrote`);
  }
  if (record?.format !== FORMAT || record.version !== VERSION || typeof record.flags !== "object" || record.flags === null) {
    throw new UsageError(`${command}: ${path} is not a sweep.json of version ${VERSION}, expected { format: "${FORMAT}", version: ${VERSION}, flags, ... }`);
  }
  return record as SweepRecord;
}

/**
 * The trials of trials.jsonl, each checked to hold the settings this sweep draws for its number. A last line cut
 * short (the process killed while writing it) is dropped, and the file rewritten without it once every other line
 * has passed: a refused file is left as it was.
 */
export function readTrials(path: string, settings: SweepSettings, command: string, note: (text: string) => void): TrialResult[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, "utf8").split("\n");
  const cut = lines.pop() as string;
  const seen = new Set<number>();
  const trials = lines.map((line, i) => {
    const fail = (why: string): never => {
      throw new UsageError(`${command}: ${path} line ${i + 1}: ${why}`);
    };
    let r: TrialResult;
    try {
      r = JSON.parse(line) as TrialResult;
    } catch {
      return fail("not JSON, expected one finished trial");
    }
    if (!Number.isInteger(r?.trial) || r.trial < 1 || r.trial > settings.trials) fail(`trial must be a trial number in [1, ${settings.trials}], got ${JSON.stringify(r?.trial)}`);
    if (seen.has(r.trial)) fail(`trial ${r.trial} is recorded twice`);
    seen.add(r.trial);
    if (!sameSettings(r, drawTrial(settings.space, settings.seed, r.trial))) fail(`trial ${r.trial}'s settings are not the ones this sweep draws for it: the file was edited, or is another sweep's`);
    const ok = r.status === "ok" && typeof r.validation === "number" && typeof r.train === "number";
    if (!ok && !(r.status === "diverged" && r.validation === null)) fail(`trial ${r.trial} must be "ok" with its metrics or "diverged" with null ones`);
    return r;
  });
  if (cut !== "") {
    note(`${command}: ${path}: its last line was cut short (the sweep was killed while writing it) and is dropped; that trial runs again\n`);
    writeFileAtomic(path, lines.map((line) => `${line}\n`));
  }
  return trials;
}

/** trials.jsonl, open for appending: each line is on disk (fsync) before append returns. */
export class TrialLog {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, "a");
  }

  append(result: TrialResult): void {
    writeSync(this.fd, `${JSON.stringify(result)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The header of trials.csv: trial,status,lr,...,train_acc,val_acc,loss,steps (train_mae,val_mae for a regression). */
export function csvHeader(metric: SweepMetric): string[] {
  return ["trial", "status", "lr", "weight_decay", "hidden", "optimizer", "batch_size", "seed", `train_${metric.name}`, `val_${metric.name}`, "loss", "steps"];
}

/** trials.csv: a row per trial, by trial number, every number exact; a diverged trial's metrics and loss empty. */
export function trialsCsv(results: readonly TrialResult[], metric: SweepMetric): string {
  const cell = (v: number | string | null): string => (v === null ? "" : String(v));
  const rows = [...results]
    .sort((a, b) => a.trial - b.trial)
    .map((r) => [r.trial, r.status, r.lr, r.weightDecay, hiddenLabel(r.hidden), r.optimizer, r.batchSize, r.seed, r.train, r.validation, r.loss, r.steps].map(cell).join(","));
  return `${[csvHeader(metric).join(","), ...rows].join("\n")}\n`;
}

/** The record of sweep.json for `settings`, started by `command`. */
export function sweepRecord(settings: SweepSettings, command: string, metric: SweepMetric): SweepRecord {
  return { format: FORMAT, version: VERSION, command, flags: settingsFlags(settings), settings, metric };
}
