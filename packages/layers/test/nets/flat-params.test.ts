import { describe, expect, test } from "vitest";
import { tensor } from "@backprop/core";
import { MultiLayerNetExtend, assignFlat, flattenParams } from "../../src/index.js";
import { bitsOf, valuesOf } from "../helpers.js";

describe("flattenParams and assignFlat", () => {
  test("flatten every parameter in order, row-major, into one vector", () => {
    const params = { W: tensor([[1, 2], [3, 4]]), b: tensor([5, 6]) };
    const flat = flattenParams(params);
    expect(flat.shape).toEqual([6]);
    expect(valuesOf(flat)).toEqual([1, 2, 3, 4, 5, 6]);
    // a transposed view flattens in its own order
    expect(valuesOf(flattenParams({ W: tensor([[1, 2], [3, 4]]).T }))).toEqual([1, 3, 2, 4]);
  });

  test("round-trip a net's parameters exactly, in place", () => {
    const net = new MultiLayerNetExtend(7, [5, 4], 3, { useBatchnorm: true, seed: 2 });
    const W1 = net.params.W1;
    const before = Object.values(net.params).map((p) => bitsOf(p));
    const flat = flattenParams(net.params);
    expect(flat.size).toBe(7 * 5 + 5 + 5 + 5 + 5 * 4 + 4 + 4 + 4 + 4 * 3 + 3);
    for (const p of Object.values(net.params)) p.assign(0);
    assignFlat(net.params, flat);
    expect(net.params.W1).toBe(W1);
    expect(Object.values(net.params).map((p) => bitsOf(p))).toEqual(before);
    // and a changed vector lands where it should: the first element of b1 is right after W1's 35
    assignFlat(net.params, flat.add(0).assign(flat).isub(tensor(Array.from({ length: flat.size }, (_, i) => (i === 35 ? 1 : 0)))));
    expect(net.params.b1.get(0)).toBe(valuesOf(flat)[35] - 1);
  });

  test("assignFlat refuses a vector of another size", () => {
    expect(() => assignFlat({ W: tensor([[1, 2]]) }, tensor([1, 2, 3]))).toThrow(/^assignFlat: flat must be \(2,\) to fill the parameters, got \(3,\)$/);
  });
});
