import { tensor } from "@backprop/core";
import { IdentityWithLoss, MultiLayerNet } from "@backprop/layers";
import { describe, expect, test } from "vitest";
import { boundary, neuronImages, planeGrid } from "../../src/playground/neuron-images.js";

/** 2-2-2 ReLU with weights set by hand: z1 = x1 + 2 x2 + 0.1, z2 = -x1 + 0.5 x2 - 0.2; scores (h1, -h2 + 0.5). */
function handNet(): MultiLayerNet {
  const net = new MultiLayerNet(2, [2], 2);
  net.params.W1.assign(tensor([[1, -1], [2, 0.5]]));
  net.params.b1.assign(tensor([0.1, -0.2]));
  net.params.W2.assign(tensor([[1, 0], [0, -1]]));
  net.params.b2.assign(tensor([0, 0.5]));
  return net;
}

// res 3 over [-1, 1]^2: index 0 top-left (-1, 1), 2 top-right (1, 1), 4 the centre, 6 bottom-left (-1, -1), 8 bottom-right (1, -1)
const CORNERS = [0, 2, 6, 8];

describe("neuron images", () => {
  test("the grid: row 0 at the top (y = +extent), columns left to right, corners included", () => {
    expect(planeGrid(2, 3).toArray()).toEqual([[-2, 2], [0, 2], [2, 2], [-2, 0], [0, 0], [2, 0], [-2, -2], [0, -2], [2, -2]]);
    expect(planeGrid(1, 1).toArray()).toEqual([[0, 0]]);
  });

  test("a hand-set 2-2-2 ReLU net: the hidden neurons and the softmax at the corners, computed by hand", () => {
    const images = neuronImages(handNet(), 1, 3);
    expect(images.map((i) => [i.layer, i.units.length, i.units[0].length])).toEqual([["Activation_function1", 2, 9], ["output", 2, 9]]);
    const [hidden, output] = images;
    // top-left z = (1.1, 1.3), top-right (3.1, -0.7), bottom-left (-2.9, 0.3), bottom-right (-0.9, -1.7)
    const h = [[1.1, 1.3], [3.1, 0], [0, 0.3], [0, 0]];
    CORNERS.forEach((cell, k) => {
      expect(hidden.units[0][cell]).toBeCloseTo(h[k][0], 14);
      expect(hidden.units[1][cell]).toBeCloseTo(h[k][1], 14);
      const [s1, s2] = [h[k][0], 0.5 - h[k][1]];
      expect(output.units[0][cell]).toBeCloseTo(1 / (1 + Math.exp(s2 - s1)), 14);
      expect(output.units[1][cell]).toBeCloseTo(1 / (1 + Math.exp(s1 - s2)), 14);
    });
    // the centre: z = (0.1, -0.2), h = (0.1, 0)
    expect(hidden.units[0][4]).toBeCloseTo(0.1, 14);
    expect(hidden.units[1][4]).toBe(0);
    expect(Array.from(boundary(handNet(), 1, 3).filter((_, i) => CORNERS.includes(i)))).toEqual([0, 0, 1, 1]);
  });

  test("regression: the output is the prediction, value by value", () => {
    const net = new MultiLayerNet(2, [], 1, { lastLayer: new IdentityWithLoss() });
    net.params.W1.assign(tensor([[2], [3]]));
    net.params.b1.assign(tensor([1]));
    // y = 2 x1 + 3 x2 + 1
    const expected = [2, 6, -4, 0];
    const images = neuronImages(net, 1, 3);
    expect(images.map((i) => i.layer)).toEqual(["output"]);
    expect(CORNERS.map((cell) => images[0].units[0][cell])).toEqual(expected);
    expect(CORNERS.map((cell) => boundary(net, 1, 3)[cell])).toEqual(expected);
  });
});
