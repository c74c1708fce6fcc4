// The page's colours: orange for negative, blue for positive (weights, activations, the two classes), as the
// TensorFlow playground draws them, and one colour per class beyond two.

export type Rgb = readonly [number, number, number];

export const NEGATIVE: Rgb = [245, 147, 34];
export const NEUTRAL: Rgb = [232, 234, 235];
export const POSITIVE: Rgb = [8, 119, 189];
/** Class k's colour; classes 0 and 1 are the orange and the blue. */
export const CLASS_COLORS: readonly Rgb[] = [NEGATIVE, POSITIVE, [46, 160, 67], [200, 40, 110], [120, 80, 200]];

/** a + (b - a) * f, per channel. */
export function mix(a: Rgb, b: Rgb, f: number): Rgb {
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** v in [-1, 1] (clamped) on the orange - grey - blue scale. */
export function diverging(v: number): Rgb {
  const c = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  return c < 0 ? mix(NEUTRAL, NEGATIVE, -c) : mix(NEUTRAL, POSITIVE, c);
}

export function css(c: Rgb, alpha = 1): string {
  return `rgba(${Math.round(c[0])}, ${Math.round(c[1])}, ${Math.round(c[2])}, ${alpha})`;
}

/** The sign colour of a weight or gradient. */
export function signColor(v: number): string {
  return css(v < 0 ? NEGATIVE : POSITIVE);
}
