import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename } from "node:path";
import type { Net } from "../nets/net";
import type { Trainer } from "../training/trainer";
import { ModelFileError } from "./array-file";
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from "./checkpoint";
import { decodeModel, encodeModel, type ModelMeta } from "./model";

/**
 * Writes `chunks` to `path` through a temporary file beside it, flushed to disk and renamed into place, so that
 * a crash leaves the old file or the new one, never half of one.
 */
export function writeFileAtomic(path: string, chunks: (Uint8Array | string)[]): void {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(temporary, "w");
    try {
      for (const chunk of chunks) {
        if (typeof chunk === "string") writeSync(fd, chunk);
        else writeSync(fd, chunk);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
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
  writeFileAtomic(path, [encodeModel(net, meta)]);
}

/** Reads a model (or the net of a checkpoint) and rebuilds its net; see decodeModel. */
export function loadModel(path: string): ReturnType<typeof decodeModel> {
  return decodeModel(readModelBytes(path), basename(path));
}

/** Writes a checkpoint of `trainer` to `path` (atomically). */
export function saveCheckpoint(trainer: Trainer, path: string, meta: ModelMeta = {}): void {
  writeFileAtomic(path, [encodeCheckpoint(trainer, meta)]);
}

/** Reads a checkpoint; resumeTrainer(checkpoint, train, test) continues its run. */
export function loadCheckpoint(path: string): Checkpoint {
  return decodeCheckpoint(readModelBytes(path, "loadCheckpoint"), basename(path));
}
