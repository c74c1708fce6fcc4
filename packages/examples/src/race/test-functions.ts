/** A point of the plane, (x, y). */
export type Point = [number, number];

/** A smooth function of two variables with its analytic gradient, the box drawn and sampled, and its global minima. */
export interface TestFunction {
  name: string;
  /** The formula, as the output states it. */
  formula: string;
  f(x: number, y: number): number;
  /** (df/dx, df/dy) at (x, y). */
  grad(x: number, y: number): Point;
  /** The box [x0, x1] x [y0, y1] that the starts are drawn from and the picture shows. */
  domain: { x: Point; y: Point };
  /** Every global minimum, and f there. */
  minima: Point[];
  fMin: number;
  /** Contour levels for the picture. */
  levels: number[];
}

/** `count` levels spaced evenly in log(f - fMin), from lo to hi above the minimum: for functions that span decades. */
function logLevels(fMin: number, lo: number, hi: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => fMin + lo * (hi / lo) ** (k / (count - 1)));
}

/** Six-hump camel: f = (4 - 2.1x^2 + x^4/3) x^2 + xy + (-4 + 4y^2) y^2; two global minima -1.0316 at ±(0.0898, -0.7126). */
export const camel: TestFunction = {
  name: "camel",
  formula: "(4 - 2.1x^2 + x^4/3) x^2 + xy + (-4 + 4y^2) y^2",
  f: (x, y) => (4 - 2.1 * x ** 2 + x ** 4 / 3) * x ** 2 + x * y + (-4 + 4 * y ** 2) * y ** 2,
  grad: (x, y) => [8 * x - 8.4 * x ** 3 + 2 * x ** 5 + y, x - 8 * y + 16 * y ** 3],
  domain: { x: [-2, 2], y: [-1, 1] },
  minima: [
    [0.08984201310031806, -0.7126564030207396],
    [-0.08984201310031806, 0.7126564030207396],
  ],
  fMin: -1.0316284534898774,
  levels: [-1, -0.8, -0.5, -0.2, 0, 0.5, 1, 2, 3, 4, 5],
};

/**
 * Goldstein-Price: f = [1 + (x+y+1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)] [30 + (2x-3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)];
 * global minimum 3 at (0, -1). f = P Q, so df = dP Q + P dQ.
 */
export const goldsteinPrice: TestFunction = {
  name: "goldstein-price",
  formula: "[1 + (x+y+1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)] [30 + (2x-3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)]",
  f(x, y) {
    const a = x + y + 1;
    const b = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y;
    const c = 2 * x - 3 * y;
    const d = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y;
    return (1 + a * a * b) * (30 + c * c * d);
  },
  grad(x, y) {
    const a = x + y + 1;
    const b = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y;
    const c = 2 * x - 3 * y;
    const d = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y;
    const P = 1 + a * a * b;
    const Q = 30 + c * c * d;
    // b's partial derivatives in x and in y are the same, -14 + 6x + 6y
    const dP = 2 * a * b + a * a * (-14 + 6 * x + 6 * y);
    const dQx = 4 * c * d + c * c * (-32 + 24 * x - 36 * y);
    const dQy = -6 * c * d + c * c * (48 - 36 * x + 54 * y);
    return [dP * Q + P * dQx, dP * Q + P * dQy];
  },
  domain: { x: [-2, 2], y: [-2, 2] },
  minima: [[0, -1]],
  fMin: 3,
  // f spans 3 to 1e6 on the box: levels evenly spaced in log(f - 3)
  levels: logLevels(3, 1, 1e6, 13),
};

/** The book's f = x^2/20 + y^2 (optimizer_compare_naive.py): minimum 0 at the origin, seen over [-10, 10]^2. */
export const book: TestFunction = {
  name: "book",
  formula: "x^2/20 + y^2",
  f: (x, y) => x ** 2 / 20 + y ** 2,
  grad: (x, y) => [x / 10, 2 * y],
  domain: { x: [-10, 10], y: [-10, 10] },
  minima: [[0, 0]],
  fMin: 0,
  levels: [1, 2, 3, 4, 5, 6, 7],
};

/** The race's functions, by name. */
export const TEST_FUNCTIONS: Record<string, TestFunction> = { camel, "goldstein-price": goldsteinPrice, book };
