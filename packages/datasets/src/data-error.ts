/** A data file or folder is missing, unreadable or malformed. The message is one sentence that names it. */
export class DataError extends Error {
  override name = "DataError";
}
