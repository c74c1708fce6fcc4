import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface, type Interface } from "node:readline";

/** A request to bench/numpy_reference.py's `serve` loop, such as { op: "step", dtype: "float64", reps: 200 }. */
export type NumpyRequest = { op: string; reps?: number; [key: string]: unknown };

export interface NumpyAnswer {
  seconds?: number[];
  error?: string;
  [key: string]: unknown;
}

/** The python executable: BACKPROP_PYTHON when set (a test points it nowhere), else python3. */
export function pythonExecutable(): string {
  return process.env.BACKPROP_PYTHON ?? "python3";
}

/** The environment of every NumPy process: one BLAS thread, as our kernel runs on one. */
export function numpyEnv(): NodeJS.ProcessEnv {
  return { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
}

/**
 * One long-lived `python3 numpy_reference.py serve`, asked one JSON line at a time, so that the interpreter's
 * start-up and imports are never timed and our runs and NumPy's can alternate.
 */
export class NumpySession {
  private readonly pending: Array<(answer: NumpyAnswer) => void> = [];
  private closed = false;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    lines: Interface,
    readonly version: string,
  ) {
    lines.on("line", (line) => this.pending.shift()?.(parseAnswer(line)));
    // writing to a process that died fails here; its end is reported to the waiting requests by "close"
    child.stdin.on("error", () => undefined);
    child.on("close", () => {
      this.closed = true;
      for (const resolve of this.pending.splice(0)) resolve({ error: "the NumPy process ended" });
    });
  }

  /** Starts the session, or says why it cannot: no python, no numpy, or a script that fails. */
  static start(script: string): Promise<NumpySession | { reason: string }> {
    const python = pythonExecutable();
    return new Promise((resolve) => {
      let child: ChildProcessWithoutNullStreams;
      try {
        child = spawn(python, [script, "serve"], { env: numpyEnv() });
      } catch (error) {
        resolve({ reason: `${python}: ${(error as Error).message}` });
        return;
      }
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("error", (error) => resolve({ reason: `${python}: ${error.message}` }));
      const lines = createInterface({ input: child.stdout });
      lines.once("line", (line) => {
        try {
          const hello = JSON.parse(line) as { ready?: boolean; numpy?: string };
          if (hello.ready && typeof hello.numpy === "string") {
            resolve(new NumpySession(child, lines, hello.numpy));
            return;
          }
        } catch {
          // not our script's greeting: reported below
        }
        child.kill();
        resolve({ reason: `${python} ${script} said '${line.slice(0, 200)}'` });
      });
      child.on("close", (code) => {
        // the last line of a traceback says what was missing, such as "ModuleNotFoundError: No module named 'numpy'"
        const last = stderr.trim().split("\n").at(-1) ?? "";
        resolve({ reason: `${python} exited with code ${code}${last ? `: ${last}` : ""}` });
      });
    });
  }

  /** Sends one request and waits for its answer; an answer { error } when the script could not do it. */
  request(request: NumpyRequest): Promise<NumpyAnswer> {
    if (this.closed) return Promise.resolve({ error: "the NumPy process ended" });
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  /** The per-repetition seconds of a timed request; throws with the script's message when it failed. */
  async time(request: NumpyRequest): Promise<number[]> {
    const answer = await this.request(request);
    if (answer.error !== undefined || !Array.isArray(answer.seconds)) throw new Error(`NumPy reference: ${answer.error ?? "no timings in its answer"}`);
    return answer.seconds;
  }

  close(): void {
    this.child.stdin.end();
  }
}

function parseAnswer(line: string): NumpyAnswer {
  try {
    return JSON.parse(line) as NumpyAnswer;
  } catch {
    return { error: `not a JSON answer: '${line.slice(0, 200)}'` };
  }
}

/** What the NumPy book run reports: seconds of training and evaluations (loading apart), accuracies, peak memory. */
export interface NumpyBookRun {
  seconds: number;
  loadSeconds: number;
  evaluations: number;
  trainAcc: number;
  testAcc: number;
  peakRssKb: number;
}

/** Runs `python3 numpy_reference.py book DIR` in a process of its own, so that its peak memory is the run's alone. */
export function runNumpyBook(script: string, dir: string): Promise<NumpyBookRun | { error: string }> {
  return new Promise((resolve) => {
    const child = spawn(pythonExecutable(), [script, "book", dir], { env: numpyEnv() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", (error) => resolve({ error: error.message }));
    child.on("close", (code) => {
      const line = stdout.trim().split("\n").at(-1) ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line) as NumpyBookRun);
      else resolve({ error: `exited with code ${code}: ${stderr.trim().split("\n").at(-1) ?? ""}` });
    });
  });
}
