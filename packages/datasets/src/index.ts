// @backprop/datasets: data sets as bytes and tables, with nothing that touches a Node built-in, so that it loads in a
// browser. @backprop/datasets/node reads them from paths: MNIST, IDX folders, CSV and JSON files.
export { IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_SIZE, NUM_CLASSES, TRAIN_SHARE, stratifiedSplit, subset, mnistOf, type LoadMnistOptions, type Mnist, type MnistImages, type MnistShapeOptions } from "./mnist.js";
export { ImageDataset, type ImageOptions } from "./image-dataset.js";
export { classSubset } from "./class-subset.js";
export { DataError } from "./data-error.js";
export { IDX_FILES, IMAGES_MAGIC, LABELS_MAGIC, parseIdx, parseIdxOf, type Idx, type IdxImages } from "./idx.js";
export type { Cell, RawTable, Task, FeatureColumn, TargetColumn, TableSchema } from "./table/types.js";
export { parseCsv, parseJsonTable, parseTable, recordsTable, type ParseOptions } from "./table/parse.js";
export { DEFAULT_MISSING, isMissing, numberOf, textOf } from "./table/columns.js";
export { fitSchema, inputNames, inputScale, inputSize, outputSize, describeSchema, unscale, checkSchema, type SchemaOptions } from "./table/schema.js";
export { encodeRows, type EncodeOptions, type EncodeProblem, type Encoded } from "./table/encode.js";
export { TableDataset } from "./table/table-dataset.js";
export { prepareTable, DEFAULT_TEST_FRACTION, type TableOptions, type TableReport, type Table } from "./table/load-table.js";
export { PENGUINS, penguinsTable, loadPenguins } from "./penguins.js";
