import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Net } from "../nets/net.js";
import type { Trainer } from "../training/trainer.js";
import { ModelFileError } from "./array-file.js";
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from "./checkpoint.js";
import { deserializeModel, serializeModel, type ModelMeta } from "./model.js";

/** A file that could not be written: the message names the file's path (never the temporary file) and why. */
export class FileWriteError extends Error {
  override name = "FileWriteError";
}

/** The calls by which writeFileAtomic writes, flushes and renames: node:fs's, or a test's that simulates a full disk. */
export interface FileIO {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(oldPath: string, newPath: string): void;
}

const NODE_IO: FileIO = { openSync, writeSync, fsyncSync, closeSync, renameSync };

/**
 * Writes `chunks` (strings as UTF-8) to `path` through a temporary file beside it, `${path}.tmp-${pid}`: every byte
 * written, flushed to disk, renamed into place, and the folder flushed, so that a crash leaves the old file or the
 * new one, never half of one. On any failure the temporary file is removed, a previous file at `path` is left as it
 * was, and a FileWriteError names `path` and the reason. Temporary files of `path` that processes no longer running
 * left behind are removed first. `io` replaces node:fs's calls, for tests.
 */
export function writeFileAtomic(path: string, chunks: (Uint8Array | string)[], io: FileIO = NODE_IO): void {
  const target = resolve(path);
  const folder = dirname(target);
  const fail = (why: string, cause?: unknown): never => {
    throw new FileWriteError(`writeFileAtomic: cannot write ${target}: ${why}`, { cause });
  };
  checkPlace(target, fail);
  removeStaleTemporaries(target);
  const temporary = `${target}.tmp-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = io.openSync(temporary, "w");
    for (const chunk of chunks) writeAll(io, fd, typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
    io.fsyncSync(fd);
    const written = fd;
    fd = undefined;
    io.closeSync(written);
    io.renameSync(temporary, target);
  } catch (error) {
    // the write has failed already: what follows only tidies up, and its own failure would hide the reason
    try {
      if (fd !== undefined) io.closeSync(fd);
    } catch {}
    try {
      rmSync(temporary, { force: true });
    } catch {}
    fail(reasonOf(error), error);
  }
  try {
    syncFolder(io, folder);
  } catch (error) {
    fail(reasonOf(error), error);
  }
}

/** Throws unless `target`'s folder is one and `target` is not, before anything is written. */
function checkPlace(target: string, fail: (why: string, cause?: unknown) => never): void {
  const folder = dirname(target);
  try {
    const place = statSync(folder, { throwIfNoEntry: false });
    if (!place) fail(`folder ${folder} does not exist`);
    if (!place?.isDirectory()) fail(`${folder} is a file, not a folder`);
    if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) fail(`${target} is a directory`);
  } catch (error) {
    if (error instanceof FileWriteError) throw error;
    fail(reasonOf(error), error);
  }
}

/** Writes every byte of `bytes`: writeSync may take fewer than it is given (a short write), and is called for the rest. */
function writeAll(io: FileIO, fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) {
    const n = io.writeSync(fd, bytes, written, bytes.length - written);
    // a write that takes nothing would be retried forever: the device has no room left
    if (!(n > 0)) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    written += n;
  }
}

// the rename lasts once the folder's entry for it is on disk too (POSIX); Windows cannot open a folder to flush it
function syncFolder(io: FileIO, folder: string): void {
  if (process.platform === "win32") return;
  const fd = io.openSync(folder, "r");
  try {
    io.fsyncSync(fd);
  } finally {
    io.closeSync(fd);
  }
}

/** Removes the temporary files of `target` that processes no longer running left (a crash before the rename). */
function removeStaleTemporaries(target: string): void {
  const folder = dirname(target);
  const prefix = `${basename(target)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    // a folder that can be written but not listed keeps its leftovers; this write goes on
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)) ? Number(name.slice(prefix.length)) : NaN;
    if (!(pid > 0) || pid === process.pid || isRunning(pid)) continue;
    try {
      rmSync(join(folder, name), { force: true });
    } catch {
      // a leftover that cannot be removed (another user's) does not stop this write
    }
  }
}

/** Whether process `pid` runs: signal 0 checks without sending anything, and only ESRCH means no such process. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** "no space left on device (ENOSPC)": node's description of a system error without the path it names. */
function reasonOf(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === undefined) return message;
  // node writes "ENOSPC: no space left on device, write '/x/y.bpm.tmp-12'": the temporary file is ours, not the caller's
  const described = new RegExp(`^${code}: ([^,]+)`).exec(message)?.[1];
  return described === undefined ? code : `${described} (${code})`;
}

/** The bytes of a model or checkpoint file; a missing or unreadable file is a ModelFileError starting with `where`. */
export function readModelBytes(path: string, where = "loadModel"): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === "ENOENT" ? `${where}: ${path} does not exist` : `${where}: cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Writes `net` to `path` (atomically) in backprop's model format, with the data source and training record. */
export function saveModel(net: Net, path: string, meta: ModelMeta = {}): void {
  writeFileAtomic(path, [serializeModel(net, meta)]);
}

/** Reads a model (or the net of a checkpoint) and rebuilds its net; see deserializeModel. */
export function loadModel(path: string): ReturnType<typeof deserializeModel> {
  return deserializeModel(readModelBytes(path), basename(path), "loadModel");
}

/** Writes a checkpoint of `trainer` to `path` (atomically). */
export function saveCheckpoint(trainer: Trainer, path: string, meta: ModelMeta = {}): void {
  writeFileAtomic(path, [encodeCheckpoint(trainer, meta)]);
}

/** Reads a checkpoint; resumeTrainer(checkpoint, train, test) continues its run. */
export function loadCheckpoint(path: string): Checkpoint {
  return decodeCheckpoint(readModelBytes(path, "loadCheckpoint"), basename(path));
}
