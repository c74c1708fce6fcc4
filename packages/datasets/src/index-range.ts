/** The indices start..end-1, clamped to [0, length): the rows a `slice(start, end)` of a data set covers. */
export function indexRange(start: number, end: number, length: number): number[] {
  const from = Math.max(0, Math.min(start, length));
  const to = Math.max(from, Math.min(end, length));
  return Array.from({ length: to - from }, (_, i) => from + i);
}
