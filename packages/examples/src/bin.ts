#!/usr/bin/env node
import { run } from "./cli.js";

const argv = process.argv.slice(2);
const stop = new AbortController();

// a reader that stops early (`| head`) or a full device (`> /dev/full`): stop writing to stdout and ask a run to
// stop after its step, so that it still saves what it must; EPIPE is quiet, any other failure is said on stderr
let stdoutFailure: NodeJS.ErrnoException | undefined;
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (stdoutFailure !== undefined) return;
  stdoutFailure = error;
  stop.abort();
});

// Only a training run or a sweep has something to save when stopped: the first SIGINT or SIGTERM asks a run to
// finish its step and write a checkpoint, a sweep to stop its workers and write what is done. The signal's default
// action is then restored, so that a second one ends the process at once, even in the middle of a long evaluation.
// Every other command ends at the first signal.
if (argv[0] === "train" || argv[0] === "sweep") {
  const onSignal = (): void => {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

const code = await run(argv, {
  stdout: (text) => {
    if (stdoutFailure === undefined) process.stdout.write(text);
  },
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  signal: stop.signal,
});

if (stdoutFailure !== undefined && stdoutFailure.code !== "EPIPE") {
  process.stderr.write(`backprop: cannot write to stdout: ${stdoutFailure.message}\n`);
  process.exitCode = 2;
} else {
  process.exitCode = code;
}
