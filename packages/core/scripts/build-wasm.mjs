// Compiles the WebAssembly SIMD matrix kernel, packages/core/assembly/gemm.ts -> packages/core/dist/gemm.wasm,
// with AssemblyScript. Runs on install (root postinstall), from scripts/build.mjs and before the tests when the
// wasm is missing or was built from another source (dist/gemm.wasm.sha256 holds the SHA-256 of the source it was
// built from). If the compile fails it prints one warning and exits 0: the TypeScript kernel remains.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const source = join(packageDir, "assembly", "gemm.ts");
const output = join(packageDir, "dist", "gemm.wasm");
const sourceHashFile = `${output}.sha256`;

/** The SHA-256 of assembly/gemm.ts, hex. */
export async function sourceHash() {
  return createHash("sha256").update(await readFile(source)).digest("hex");
}

/** True when dist/gemm.wasm is missing or was not built from today's assembly/gemm.ts. */
export async function wasmIsStale() {
  const built = await readFile(sourceHashFile, "utf8").catch(() => undefined);
  const present = await readFile(output).then(() => true, () => false);
  return !present || built?.trim() !== (await sourceHash());
}

/** Compiles assembly/gemm.ts to dist/gemm.wasm; throws with the compiler's first error on failure. */
export async function buildWasm() {
  const { default: asc } = await import("assemblyscript/asc");
  let binary;
  const errors = [];
  const { error } = await asc.main(
    [source, "--outFile", "gemm.wasm", "-O3", "--noAssert", "--runtime", "stub", "--enable", "simd"],
    {
      stdout: { write: () => true },
      stderr: { write: (text) => errors.push(String(text)) },
      writeFile: (_name, contents) => {
        binary = contents;
      },
    },
  );
  if (error) throw new Error(errors.join("").split("\n").find((line) => line.trim() !== "") ?? error.message);
  if (binary === undefined) throw new Error("asc wrote no binary");
  await mkdir(dirname(output), { recursive: true });
  // write then rename, so a process loading the kernel meanwhile never reads half a file
  const partial = `${output}.${process.pid}.tmp`;
  const hash = await sourceHash();
  await writeFile(partial, binary);
  await rename(partial, output);
  await writeFile(`${sourceHashFile}.${process.pid}.tmp`, `${hash}\n`);
  await rename(`${sourceHashFile}.${process.pid}.tmp`, sourceHashFile);
}

/** buildWasm, turning a failure into one warning line. */
export async function buildWasmOrWarn() {
  try {
    await buildWasm();
  } catch (error) {
    const what = relative(process.cwd(), source) || source;
    console.warn(`backprop: could not compile ${what} to WebAssembly (${error.message.trim()}); using the TypeScript matrix kernel`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildWasmOrWarn();
