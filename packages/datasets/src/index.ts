export { loadMnist, type LoadMnistOptions, type Mnist, type MnistShapeOptions } from "./mnist";
export { ImageDataset, type ImageOptions } from "./image-dataset";
export { DataError, IDX_FILES, IMAGES_MAGIC, LABELS_MAGIC, parseIdx, readIdxImages, readIdxLabels, loadIdxDirectory, type Idx, type IdxImages } from "./idx";
