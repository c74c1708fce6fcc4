export { loadMnist, type LoadMnistOptions, type Mnist, type MnistShapeOptions } from "./mnist";
