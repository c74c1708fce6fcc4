// Output paths checked before any work, so that nothing of an hour's run is lost to a bad path: a file that can be
// written, or a folder that takes new files. Each failure is one UsageError that names the command and the flag.
import { closeSync, openSync, rmSync, statSync, type Stats } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "./args.js";

/**
 * An output path that can be written: not empty, in a folder that exists and takes a new file, and not a folder
 * itself. Tried with a file of its own beside the target.
 */
export function checkOutput(flag: string, path: string, command: string): void {
  if (path.trim() === "") throw new UsageError(`${command}: --${flag} needs a file name, got ''`);
  const target = resolve(path);
  const folder = dirname(target);
  const { stat, blockedBy } = statOf(folder, (error) => new UsageError(`${command}: --${flag} ${path}: cannot read folder ${folder} (${error.code ?? error.message})`));
  if (!stat) throw new UsageError(`${command}: --${flag} ${path}: folder ${folder} does not exist${blockedBy ? ` (${blockedBy} is a file)` : ""}`);
  if (!stat.isDirectory()) throw new UsageError(`${command}: --${flag} ${path}: ${folder} is a file, not a folder`);
  if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${command}: --${flag} ${path} is a folder, expected a file name`);
  const failed = writeProbe(`${target}.probe-${process.pid}`);
  if (failed !== undefined) throw new UsageError(`${command}: --${flag} ${path}: cannot write in folder ${folder} (${failed})`);
}

/** A folder that exists and takes new files (a report's PNGs). */
export function checkFolder(command: string, flag: string, dir: string): void {
  if (dir.trim() === "") throw new UsageError(`${command}: --${flag} needs a folder, got ''`);
  const { stat, blockedBy } = statOf(dir, (error) => new UsageError(`${command}: --${flag} ${dir}: cannot read that folder (${error.code ?? error.message}), expected an existing folder for the PNGs`));
  if (!stat) throw new UsageError(`${command}: --${flag} ${dir}: folder ${resolve(dir)} does not exist${blockedBy ? ` (${blockedBy} is a file)` : ""}, expected an existing folder for the PNGs`);
  if (!stat.isDirectory()) throw new UsageError(`${command}: --${flag} ${dir} is a file, expected a folder for the PNGs`);
  const failed = writeProbe(join(resolve(dir), `.report-probe-${process.pid}`));
  if (failed !== undefined) throw new UsageError(`${command}: --${flag} ${dir}: cannot write in that folder (${failed})`);
}

/**
 * What is at `path`: its stat, or none; when none because a file stands where a folder of the path should be
 * (afile/sub), that file. Any other failure to read it throws `fail(error)`.
 */
export function statOf(path: string, fail: (error: NodeJS.ErrnoException) => Error): { stat?: Stats; blockedBy?: string } {
  try {
    return { stat: statSync(path, { throwIfNoEntry: false }) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return { blockedBy: fileOnPath(path) };
    throw fail(error as NodeJS.ErrnoException);
  }
}

/** Why a new file cannot be made at `probe` (its error code), or undefined when it can; the file is removed. */
function writeProbe(probe: string): string | undefined {
  try {
    closeSync(openSync(probe, "wx"));
    rmSync(probe, { force: true });
    return undefined;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return code ?? message;
  }
}

/** The file that stands where `path` needs a folder: afile/sub/x -> /abs/afile. */
function fileOnPath(path: string): string {
  let p = dirname(resolve(path));
  // the folders below the file fail to stat with ENOTDIR themselves
  while (p !== dirname(p) && !isNotFolder(p)) p = dirname(p);
  return p;
}

/** Whether something other than a folder is at `path` (a missing path, or one below a file, is not). */
function isNotFolder(path: string): boolean {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat !== undefined && !stat.isDirectory();
  } catch {
    return false;
  }
}
