// @backprop/datasets/node: reading data sets by path, in Node. The main entry parses bytes and loads in a browser.
export { loadMnist, digitsDir, readDigits } from "./mnist-files.js";
export { readIdxImages, readIdxLabels, loadIdxDirectory, loadIdxTestSet } from "./idx-files.js";
export { readTable, loadTable, type LoadTableOptions } from "./table/load-table-node.js";
