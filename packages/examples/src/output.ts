/** Where a command writes, and how it learns it should stop: the real process, or a test's buffers. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal (a progress bar is drawn on stderr only then). */
  isTTY?: boolean;
  /** Aborted by SIGINT or SIGTERM: training then stops after the current step and writes a checkpoint. */
  signal?: AbortSignal;
}
