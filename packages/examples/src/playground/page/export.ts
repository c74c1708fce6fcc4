/// <reference lib="dom" />
// Files in and out of the page, with nothing sent anywhere: the trained net as a backprop model file
// (serializeModel) and as TensorFlow.js files (toTfjs: model.json and weights.bin), a model file read back
// (deserializeModel), and a CSV of two feature columns and a label or target (csvPlane), each through a file input.
import { serializeModel, toTfjs, type Net } from "@backprop/layers";
import type { PlaygroundSettings } from "../settings.js";

/** The model file's bytes, with the settings and the step it was trained to recorded beside the net. */
export function modelBytes(net: Net, settings: PlaygroundSettings, iteration: number): Uint8Array {
  return serializeModel(net, { data: { playground: settings.dataset, seed: settings.seed }, training: { settings: { ...settings }, iteration } });
}

/** The TF.js layers model of the net: model.json and weights.bin (the plane's x1, x2 go in as they are). */
export function tfjsFiles(net: Net): { name: string; bytes: Uint8Array }[] {
  const files = toTfjs(net);
  return Object.entries(files).map(([name, bytes]) => ({ name, bytes: bytes as Uint8Array }));
}

/** Offers `bytes` as a download named `name`, from a blob URL of the page itself. */
export function download(name: string, bytes: Uint8Array, type = "application/octet-stream"): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Calls `use` with the bytes of the file chosen in `input`, then clears it so that the same file can be chosen again. */
export function onFileBytes(input: HTMLInputElement, use: (bytes: Uint8Array, name: string) => void): void {
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    if (!file) return;
    use(new Uint8Array(await file.arrayBuffer()), file.name);
    input.value = "";
  });
}
