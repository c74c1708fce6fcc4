// GFLOP/s of both matrix kernels on the MNIST two-layer net's products and on 512^3, float64 and float32:
//   node packages/core/scripts/bench-gemm.mjs
// Each figure counts 2·M·N·K flops per call and includes packing the operands and copying C out. The "mnist" rows
// take A from the first 100 training images (about 80% of pixels are 0; read from
// ../shared/data/mnist/train-images-idx3-ubyte.gz beside the repository, else synthesized with 80% zeros in clusters) and count the
// flops of the dense product, so they show what the kernel gains by skipping zero steps of A.
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
// bundled from the sources, the kernel's bytes with them (src/kernels/gemm-bytes.ts)
const bundle = `${packageDir}dist/bench-gemm.bundle.mjs`;
await build({
  stdin: { contents: 'export * from "./src/index.ts"; export { matmul } from "./src/linalg.ts";', resolveDir: packageDir },
  outfile: bundle,
  bundle: true,
  platform: "node",
  format: "esm",
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
});
const { Random, matmul, gemmKernel, randn, tensor } = await import(pathToFileURL(bundle).href);

// the repository is three levels above this file; shared/ sits beside it
const MNIST_IMAGES = fileURLToPath(new URL("../../../../shared/data/mnist/train-images-idx3-ubyte.gz", import.meta.url));
const PIXELS = 784;

/** 100 images of 784 pixels in [0, 1] as nested arrays: real MNIST digits when present, else blobs on black. */
function mnistImages(count) {
  if (existsSync(MNIST_IMAGES)) {
    const bytes = gunzipSync(readFileSync(MNIST_IMAGES));
    // idx3 header: magic, count, rows, cols as big-endian u32, then the pixels as u8
    return Array.from({ length: count }, (_, i) => Array.from(bytes.subarray(16 + i * PIXELS, 16 + (i + 1) * PIXELS), (v) => v / 255));
  }
  const rng = new Random(2);
  return Array.from({ length: count }, () => {
    const [cy, cx] = [10 + 8 * rng.random(), 10 + 8 * rng.random()];
    return Array.from({ length: PIXELS }, (_, p) => (Math.hypot(((p / 28) | 0) - cy, (p % 28) - cx) < 7 ? rng.random() : 0));
  });
}

const SHAPES = [
  ["x·W1        (100, 784)(784, 50)", 100, 784, 50, false, false],
  ["x^T·dout    (784, 100)(100, 50)", 784, 100, 50, true, false],
  ["dout·W1^T   (100, 50)(50, 784)", 100, 50, 784, false, true],
  ["512^3", 512, 512, 512, false, false],
];
const SECONDS_PER_FIGURE = 0.5;

function gflops(kernel, a, b, flops) {
  for (let i = 0; i < 3; i++) matmul(a, b, kernel);
  let best = Infinity;
  const deadline = performance.now() + SECONDS_PER_FIGURE * 1000;
  while (performance.now() < deadline) {
    const t0 = performance.now();
    matmul(a, b, kernel);
    best = Math.min(best, performance.now() - t0);
  }
  return flops / best / 1e6;
}

console.log(`default kernel: ${gemmKernel()}`);
console.log(`${"shape".padEnd(34)} ${"dtype".padEnd(8)} ${"ts".padStart(7)} ${"wasm".padStart(7)}  GFLOP/s`);
for (const dtype of ["float64", "float32"]) {
  for (const [name, M, K, N, transposeA, transposeB] of SHAPES) {
    const rng = new Random(1);
    const a = transposeA ? randn([K, M], rng, { dtype }).T : randn([M, K], rng, { dtype });
    const b = transposeB ? randn([N, K], rng, { dtype }).T : randn([K, N], rng, { dtype });
    const flops = 2 * M * N * K;
    const ts = gflops("ts", a, b, flops);
    const wasm = gflops("wasm", a, b, flops);
    console.log(`${name.padEnd(34)} ${dtype.padEnd(8)} ${ts.toFixed(1).padStart(7)} ${wasm.toFixed(1).padStart(7)}`);
  }
}
const images = mnistImages(100);
const zeroShare = images.flat().filter((v) => v === 0).length / (100 * PIXELS);
console.log(`mnist: ${(100 * zeroShare).toFixed(0)}% of x's pixels are 0 (dense-equivalent GFLOP/s)`);
for (const dtype of ["float64", "float32"]) {
  const rng = new Random(1);
  const x = tensor(images, { dtype });
  const cases = [
    ["mnist x·W1     (100, 784)(784, 50)", x, randn([PIXELS, 50], rng, { dtype })],
    ["mnist x^T·dout (784, 100)(100, 50)", x.T, randn([100, 50], rng, { dtype })],
  ];
  for (const [name, a, b] of cases) {
    const flops = 2 * a.shape[0] * a.shape[1] * b.shape[1];
    const ts = gflops("ts", a, b, flops);
    const wasm = gflops("wasm", a, b, flops);
    console.log(`${name.padEnd(34)} ${dtype.padEnd(8)} ${ts.toFixed(1).padStart(7)} ${wasm.toFixed(1).padStart(7)}`);
  }
}
