// The worker thread of a sweep (bundle/sweep-worker.js, dist/sweep/sweep-worker.js): it reads the sweep's data
// once, then trains each trial the main thread posts and posts back its result, or the error it threw.
import { parentPort, workerData } from "node:worker_threads";
import { runTrial } from "./run-trial.js";
import { loadSweepData } from "./sweep-data.js";
import type { SweepSettings } from "./sweep-settings.js";
import type { TrialSettings } from "./trials.js";
import type { WorkerReply } from "./worker-pool.js";

const { settings, command } = workerData as { settings: SweepSettings; command: string };
const data = loadSweepData(settings, command);
const port = parentPort as NonNullable<typeof parentPort>;

port.on("message", (t: TrialSettings) => {
  const reply = (message: WorkerReply): void => port.postMessage(message);
  runTrial(t, settings, data, command).then(
    (result) => reply({ result }),
    (error: Error) => reply({ error: { message: error.message, stack: error.stack } }),
  );
});
