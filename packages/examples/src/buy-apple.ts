import { MulLayer } from "@backprop/layers";
import type { ComputationalGraph } from "./visual/computational-graph.js";

/** Every value of 5.4.1's graph: the inputs, forward values and backward derivatives, as the MulLayers gave them. */
export interface BuyApple {
  apple: number;
  appleNum: number;
  tax: number;
  applePrice: number;
  price: number;
  dprice: number;
  dApplePrice: number;
  dApple: number;
  dAppleNum: number;
  dTax: number;
}

/** The book's first graph (5.4.1): 2 apples at 100 each, 10% tax; forward then backward through MulLayers. */
export function buyApple(): BuyApple {
  const apple = 100;
  const appleNum = 2;
  const tax = 1.1;

  const mulAppleLayer = new MulLayer();
  const mulTaxLayer = new MulLayer();

  const applePrice = mulAppleLayer.forward(apple, appleNum);
  const price = mulTaxLayer.forward(applePrice, tax);

  const dprice = 1;
  const [dApplePrice, dTax] = mulTaxLayer.backward(dprice);
  const [dApple, dAppleNum] = mulAppleLayer.backward(dApplePrice);
  return { apple, appleNum, tax, applePrice, price, dprice, dApplePrice, dApple, dAppleNum, dTax };
}

/** Figure 5-16 from a run of buyApple: apple x apple_num (mul1), x tax (mul2) -> price; operands in the layers' order. */
export function buyAppleGraph(r: BuyApple): ComputationalGraph {
  return {
    title: "Buying apples: forward and backward (5.4.1, figure 5-16)",
    nodes: [
      { id: "apple", label: "apple", kind: "input" },
      { id: "apple_num", label: "apple_num", kind: "input" },
      { id: "tax", label: "tax", kind: "input" },
      { id: "mul1", label: "×", kind: "op" },
      { id: "mul2", label: "×", kind: "op" },
      { id: "price", label: "price", kind: "output" },
    ],
    edges: [
      { from: "apple", to: "mul1", forward: r.apple, backward: r.dApple, label: "apple" },
      { from: "apple_num", to: "mul1", forward: r.appleNum, backward: r.dAppleNum, label: "apple_num" },
      { from: "mul1", to: "mul2", forward: r.applePrice, backward: r.dApplePrice, label: "apple_price" },
      { from: "tax", to: "mul2", forward: r.tax, backward: r.dTax, label: "tax" },
      { from: "mul2", to: "price", forward: r.price, backward: r.dprice, label: "price" },
    ],
  };
}
