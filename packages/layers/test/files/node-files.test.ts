import { spawnSync } from "node:child_process";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";
import { Adam, ModelFileError, Trainer, TwoLayerNet, type BatchSource } from "../../src/index.js";
import { FileWriteError, saveCheckpoint, saveModel, writeFileAtomic, type FileIO } from "../../src/node.js";
import { useTempDir } from "../helpers.js";

/** node:fs's calls with some replaced, each call recorded as "name target" (a file descriptor by the path it opened). */
function spyIO(overrides: Partial<FileIO> = {}): { io: FileIO; calls: string[] } {
  const calls: string[] = [];
  const paths = new Map<number, string>();
  const real: FileIO = { openSync, writeSync, fsyncSync, closeSync, renameSync };
  const io: FileIO = {
    openSync: (path, flags) => {
      calls.push(`open ${path}`);
      const fd = (overrides.openSync ?? real.openSync)(path, flags);
      paths.set(fd, path);
      return fd;
    },
    writeSync: (fd, buffer, offset, length) => {
      calls.push(`write ${paths.get(fd)}`);
      return (overrides.writeSync ?? real.writeSync)(fd, buffer, offset, length);
    },
    fsyncSync: (fd) => {
      calls.push(`fsync ${paths.get(fd)}`);
      (overrides.fsyncSync ?? real.fsyncSync)(fd);
    },
    closeSync: (fd) => {
      calls.push(`close ${paths.get(fd)}`);
      (overrides.closeSync ?? real.closeSync)(fd);
    },
    renameSync: (from, to) => {
      calls.push(`rename ${from} -> ${to}`);
      (overrides.renameSync ?? real.renameSync)(from, to);
    },
  };
  return { io, calls };
}

/** A system error as node:fs throws it. */
function systemError(code: string, description: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${description}, ${syscall} '${path}'`), { code, syscall, path });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The FileWriteError that `write` throws. */
function writeError(write: () => void): FileWriteError {
  try {
    write();
  } catch (error) {
    expect(error).toBeInstanceOf(FileWriteError);
    return error as FileWriteError;
  }
  throw new Error("the write did not throw");
}

const PREVIOUS = Buffer.from("the previous good file, which a failed write must leave as it was\n");
// 10 000 bytes, so that a write of at most 4096 bytes a call takes three calls
const NEW = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) % 256);

describe("writeFileAtomic", () => {
  const dir = useTempDir("write");

  /** A path in the test's folder holding PREVIOUS. */
  function previous(name = "y.bpm"): string {
    const path = join(dir(), name);
    writeFileSync(path, PREVIOUS);
    return path;
  }

  test("writes, flushes and closes the temporary file, renames it into place, then flushes the folder", () => {
    const path = previous();
    const temporary = `${path}.tmp-${process.pid}`;
    const { io, calls } = spyIO();
    writeFileAtomic(path, ["héllo ", NEW], io);
    expect(calls).toEqual([`open ${temporary}`, `write ${temporary}`, `write ${temporary}`, `fsync ${temporary}`, `close ${temporary}`, `rename ${temporary} -> ${path}`, `open ${dir()}`, `fsync ${dir()}`, `close ${dir()}`]);
    expect(Buffer.compare(readFileSync(path), Buffer.concat([Buffer.from("héllo "), NEW]))).toBe(0);
    expect(readdirSync(dir())).toEqual(["y.bpm"]);
  });

  test("a short write goes on from where it stopped until every byte is written", () => {
    const path = previous();
    const sizes: number[] = [];
    const { io } = spyIO({
      writeSync: (fd, buffer, offset, length) => {
        sizes.push(length);
        return writeSync(fd, buffer, offset, Math.min(length, 4096));
      },
    });
    writeFileAtomic(path, [NEW, "end"], io);
    // 10 000 bytes as 4096 + 4096 + 1808, each call asked for what was left; then the 3 bytes of "end"
    expect(sizes).toEqual([10_000, 5904, 1808, 3]);
    expect(Buffer.compare(readFileSync(path), Buffer.concat([NEW, Buffer.from("end")]))).toBe(0);
  });

  describe("a failure removes the temporary file, leaves the previous file as it was, and names the target", () => {
    const cases: [string, Partial<FileIO>, string][] = [
      [
        "a short write, then one that writes nothing (a full disk that does not say so)",
        { writeSync: (fd, buffer, offset, length) => (offset === 0 ? writeSync(fd, buffer, offset, Math.min(length, 4096)) : 0) },
        "no space left on device (ENOSPC)",
      ],
      [
        "a short write, then ENOSPC",
        {
          writeSync: (fd, buffer, offset, length) => {
            if (offset > 0) throw systemError("ENOSPC", "no space left on device", "write", "(the temporary file)");
            return writeSync(fd, buffer, offset, Math.min(length, 4096));
          },
        },
        "no space left on device (ENOSPC)",
      ],
      [
        "fsync failing",
        {
          fsyncSync: () => {
            throw systemError("EIO", "i/o error", "fsync", "(the temporary file)");
          },
        },
        "i/o error (EIO)",
      ],
      [
        "rename failing",
        {
          renameSync: (from, to) => {
            throw systemError("EACCES", "permission denied", "rename", `${from}' -> '${to}`);
          },
        },
        "permission denied (EACCES)",
      ],
      [
        "an error without a code",
        {
          closeSync: () => {
            throw new Error("the device went away");
          },
        },
        "the device went away",
      ],
    ];
    test.each(cases)("%s", (_, overrides, reason) => {
      const path = previous();
      const error = writeError(() => writeFileAtomic(path, [NEW], spyIO(overrides).io));
      expect(error.message).toMatch(new RegExp(`^writeFileAtomic: cannot write ${escapeRegExp(path)}: ${escapeRegExp(reason)}$`));
      expect(error.message).not.toContain(".tmp-");
      expect(readdirSync(dir())).toEqual(["y.bpm"]);
      expect(Buffer.compare(readFileSync(path), PREVIOUS)).toBe(0);
    });

    test("a FileWriteError is an Error, not a ModelFileError, with the system's error as its cause", () => {
      const cause = systemError("ENOSPC", "no space left on device", "write", "x");
      const failing = spyIO({
        writeSync: () => {
          throw cause;
        },
      });
      const error = writeError(() => writeFileAtomic(previous(), ["x"], failing.io));
      expect(error.name).toBe("FileWriteError");
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(ModelFileError);
      expect(error.cause).toBe(cause);
    });
  });

  test("a missing folder, a folder that is a file, and a target that is a folder, before anything is written", () => {
    const { io, calls } = spyIO();
    const missing = join(dir(), "no", "such", "y.bpm");
    expect(writeError(() => writeFileAtomic(missing, ["x"], io)).message).toBe(`writeFileAtomic: cannot write ${missing}: folder ${join(dir(), "no", "such")} does not exist`);
    const file = previous("file");
    expect(writeError(() => writeFileAtomic(join(file, "y.bpm"), ["x"], io)).message).toBe(`writeFileAtomic: cannot write ${join(file, "y.bpm")}: ${file} is a file, not a folder`);
    const folder = join(dir(), "x");
    mkdirSync(folder);
    expect(writeError(() => writeFileAtomic(folder, ["x"], io)).message).toBe(`writeFileAtomic: cannot write ${folder}: ${folder} is a directory`);
    expect(calls).toEqual([]);
  });

  test("a relative path is named in full", () => {
    const missing = join(dir(), "missing", "y.bpm");
    expect(writeError(() => writeFileAtomic(relative(process.cwd(), missing), ["x"])).message).toBe(`writeFileAtomic: cannot write ${missing}: folder ${join(dir(), "missing")} does not exist`);
  });

  test("removes the temporary files of its target left by processes that have ended, and no others", () => {
    const path = previous();
    // a process that has run and been reaped: its pid names no process now
    const ended = spawnSync(process.execPath, ["-e", ""]).pid as number;
    expect(() => process.kill(ended, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
    const names = [`y.bpm.tmp-${ended}`, `y.bpm.tmp-${process.ppid}`, `other.bpm.tmp-${ended}`, "y.bpm.tmp-abc", `y.bpm.tmp-${ended}.bak`];
    for (const name of names) writeFileSync(join(dir(), name), "left over");
    writeFileAtomic(path, ["new"]);
    expect(readdirSync(dir()).sort()).toEqual(["y.bpm", ...names.slice(1)].sort());
    expect(readFileSync(path, "utf8")).toBe("new");
  });

  test("saveModel and saveCheckpoint into a missing folder name the target and the folder", async () => {
    const net = new TwoLayerNet(4, 3, 3);
    const folder = join(dir(), "runs");
    expect(writeError(() => saveModel(net, join(folder, "y.bpm"))).message).toBe(`writeFileAtomic: cannot write ${join(folder, "y.bpm")}: folder ${folder} does not exist`);
    // a trainer that never takes a step reads no batch
    const unread = (): never => {
      throw new Error("not read");
    };
    const rows: BatchSource = { length: 4, batch: unread, slice: unread };
    const trainer = new Trainer(net, new Adam(), rows, rows, { batchSize: 2, iters: 1 });
    expect(writeError(() => saveCheckpoint(trainer, join(folder, "run.ckpt"))).message).toBe(`writeFileAtomic: cannot write ${join(folder, "run.ckpt")}: folder ${folder} does not exist`);
    expect(readdirSync(dir())).toEqual([]);
  });

  test("a real full disk: a 64 KiB tmpfs (when this user may mount one)", (context) => {
    const small = join(dir(), "small");
    mkdirSync(small);
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", small], { encoding: "utf8" });
    if (mounted.status !== 0) {
      const why = (mounted.stderr || mounted.error?.message || `exit status ${mounted.status}`).trim();
      context.skip(`mount -t tmpfs is not allowed here (uid ${process.getuid?.()}): ${why}`);
    }
    try {
      const path = join(small, "y.bpm");
      writeFileAtomic(path, [PREVIOUS]);
      const error = writeError(() => writeFileAtomic(path, [new Uint8Array(256 * 1024)]));
      expect(error.message).toBe(`writeFileAtomic: cannot write ${path}: no space left on device (ENOSPC)`);
      expect(readdirSync(small)).toEqual(["y.bpm"]);
      expect(Buffer.compare(readFileSync(path), PREVIOUS)).toBe(0);
    } finally {
      spawnSync("umount", [small]);
    }
  });
});
