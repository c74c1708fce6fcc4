import manifest from "../package.json" with { type: "json" };

/** The version of @backprop/examples, from its package.json: what `backprop --version` prints. */
export const VERSION: string = manifest.version;
