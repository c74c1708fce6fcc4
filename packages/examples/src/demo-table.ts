/** Rows of cells, the first row the header, as a plain table: the first column left-aligned, the others right-aligned. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("  ")
      .trimEnd();
  return `${rows.map(line).join("\n")}\n`;
}

/** A loss as the book's figures quote it: 0.150. */
export function formatLoss(loss: number): string {
  return loss.toFixed(3);
}

/** An accuracy to the sample: 0.9235. */
export function formatAccuracy(acc: number): string {
  return acc.toFixed(4);
}
