// @backprop/layers/node: reading and writing model and checkpoint files by path, in Node. The main entry works on
// bytes (serializeModel, deserializeModel, ...) and loads in a browser.
export { writeFileAtomic, FileWriteError, type FileIO, readModelBytes, saveModel, loadModel, saveCheckpoint, loadCheckpoint } from "./files/node-files.js";
