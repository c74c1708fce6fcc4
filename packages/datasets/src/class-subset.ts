import { ImageDataset } from "./image-dataset.js";

/**
 * The images of `classes` only, `perClass` of each (Infinity: all) after skipping the first `skip` of that class, in the set's order,
 * their labels renumbered by their place in `classes` (digits 0-4 stay 0-4; digits 3,8 become 0,1): the article's
 * "digits 0 to 4, 100 per class" of a set. Throws, naming the class, when a class has too few images.
 */
export function classSubset(set: ImageDataset, classes: readonly number[], perClass: number, skip = 0): ImageDataset {
  const where = "classSubset";
  if (perClass !== Infinity && (!Number.isInteger(perClass) || perClass < 1)) throw new RangeError(`${where}: perClass must be a positive integer or Infinity, got ${perClass}`);
  if (!Number.isInteger(skip) || skip < 0) throw new RangeError(`${where}: skip must be a non-negative integer, got ${skip}`);
  if (classes.length === 0) throw new RangeError(`${where}: expected at least one class, got none`);
  const label = new Map<number, number>();
  for (const c of classes) {
    if (!Number.isInteger(c) || c < 0 || c >= set.classes) throw new RangeError(`${where}: class ${c} is not one of the set's classes 0..${set.classes - 1}`);
    if (label.has(c)) throw new RangeError(`${where}: class ${c} is listed twice`);
    label.set(c, label.size);
  }
  const seen = new Int32Array(set.classes);
  const rows: number[] = [];
  for (let i = 0; i < set.length; i++) {
    const c = set.labels[i];
    if (!label.has(c)) continue;
    const k = seen[c]++;
    if (k >= skip && k < skip + perClass) rows.push(i);
  }
  for (const c of classes) {
    if (seen[c] < skip + (perClass === Infinity ? 1 : perClass)) {
      throw new RangeError(`${where}: class ${c} has ${seen[c]} images, expected at least ${skip + (perClass === Infinity ? 1 : perClass)} (${skip > 0 ? `${skip} skipped, then ` : ""}${perClass === Infinity ? "all of them" : `${perClass} per class`})`);
    }
  }
  const size = set.imageSize;
  const pixels = new Uint8Array(rows.length * size);
  const labels = new Uint8Array(rows.length);
  rows.forEach((row, i) => {
    pixels.set(set.pixels.subarray(row * size, (row + 1) * size), i * size);
    labels[i] = label.get(set.labels[row]) as number;
  });
  return new ImageDataset(pixels, labels, set.rows, set.cols, classes.length, set.options);
}
