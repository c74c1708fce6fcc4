/** A net, or an option, that an export format cannot express: the message names the export, the layer and why. */
export class ExportError extends Error {
  override name = "ExportError";
}
