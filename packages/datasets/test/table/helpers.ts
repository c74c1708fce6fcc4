import { expect } from "vitest";
import type { Tensor } from "@backprop/core";
import { DataError } from "../../src/index.js";

/** Runs `f`, expecting a DataError with exactly `message` (one line), or one whose message matches the pattern. */
export function expectDataError(f: () => unknown, message: string | RegExp): void {
  let thrown: unknown;
  try {
    f();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DataError);
  expect((thrown as DataError).name).toBe("DataError");
  if (message instanceof RegExp) {
    expect((thrown as DataError).message).toMatch(message);
  } else {
    expect((thrown as DataError).message).toBe(message);
    expect(message).not.toContain("\n");
  }
}

/** A file's bytes as UTF-8. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function values(x: Tensor): number[] {
  return Array.from(x.contiguousData());
}

/** Each row of a (n * width) array as a list, for readable comparisons. */
export function rowsOf(x: ArrayLike<number>, width: number): number[][] {
  return Array.from({ length: x.length / width }, (_, i) => Array.from(x).slice(i * width, (i + 1) * width));
}
