/** The values as float32, little-endian, 4 bytes each: the layout of TF.js's weights.bin and ONNX's raw_data. */
export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(4 * values.length);
  const view = new DataView(bytes.buffer);
  // DataView, not a Float32Array over the bytes: the files are little-endian on any machine
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  return bytes;
}
