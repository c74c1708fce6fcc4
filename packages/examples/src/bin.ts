import { run } from "./cli";

// a reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools do
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

// the first SIGINT or SIGTERM asks training to stop after its step and write a checkpoint; a second one ends at once
const stop = new AbortController();
const onSignal = (): void => {
  if (stop.signal.aborted) process.exit(130);
  stop.abort();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  signal: stop.signal,
});
