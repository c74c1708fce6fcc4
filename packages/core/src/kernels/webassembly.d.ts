// The part of the WebAssembly JS API that wasm-gemm.ts uses. Node has it all, but @types/node 20 does not declare
// it, and lib "dom", which does, would declare a browser too.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
