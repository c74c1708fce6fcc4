import { describe, expect, test } from "vitest";
import { luFactor, luSolve } from "../../src/index.js";

const solve = (A: number[][], b: number[]) => Array.from(luSolve(luFactor(Float64Array.from(A.flat()), A.length), Float64Array.from(b)));

describe("luFactor / luSolve", () => {
  test("a 3x3 system with the solution worked by hand: 2x + y + z = 5, 4x - 6y = -2, -2x + 7y + 2z = 9 -> (1, 1, 2)", () => {
    const x = solve([[2, 1, 1], [4, -6, 0], [-2, 7, 2]], [5, -2, 9]);
    expect(x.length).toBe(3);
    x.forEach((v, i) => expect(v).toBeCloseTo([1, 1, 2][i], 14));
  });

  test("a zero on the diagonal needs a row exchange: (0 2 1; 1 1 1; 2 1 0) x = (7, 6, 4) -> (1, 2, 3)", () => {
    const factors = luFactor(Float64Array.from([0, 2, 1, 1, 1, 1, 2, 1, 0]), 3);
    expect(factors.pivots[0]).toBe(2); // |2| is the largest entry of column 0
    const x = Array.from(luSolve(factors, Float64Array.from([7, 6, 4])));
    x.forEach((v, i) => expect(v).toBeCloseTo([1, 2, 3][i], 14));
  });

  test("the matrix is not changed, and x may be b", () => {
    const A = Float64Array.from([0, 2, 1, 1, 1, 1, 2, 1, 0]);
    const b = Float64Array.from([7, 6, 4]);
    expect(luSolve(luFactor(A, 3), b, b)).toBe(b);
    expect(Array.from(A)).toEqual([0, 2, 1, 1, 1, 1, 2, 1, 0]);
    Array.from(b).forEach((v, i) => expect(v).toBeCloseTo([1, 2, 3][i], 14));
  });

  test("a singular matrix (row 2 = 2 row 1) is refused, naming the column where elimination found no pivot", () => {
    expect(() => luFactor(Float64Array.from([1, 2, 3, 2, 4, 6, 1, 1, 1]), 3)).toThrow(/^luFactor: the matrix is singular: column 2 has no nonzero pivot, got 0$/);
  });

  test("shapes are checked", () => {
    expect(() => luFactor(new Float64Array(8), 3)).toThrow(/^luFactor: A must hold n \* n = 9 values, got 8$/);
    expect(() => luSolve(luFactor(Float64Array.from([1, 0, 0, 1]), 2), new Float64Array(3))).toThrow(/^luSolve: b and x must have length 2, got 3 and 2$/);
  });
});
