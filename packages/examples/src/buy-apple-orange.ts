import { AddLayer, MulLayer } from "@backprop/layers";
import type { ComputationalGraph } from "./visual/computational-graph.js";

/** Every value of 5.4.2's graph: the inputs, forward values and backward derivatives, as the layers gave them. */
export interface BuyAppleOrange {
  apple: number;
  appleNum: number;
  orange: number;
  orangeNum: number;
  tax: number;
  applePrice: number;
  orangePrice: number;
  allPrice: number;
  price: number;
  dprice: number;
  dAllPrice: number;
  dApplePrice: number;
  dOrangePrice: number;
  dApple: number;
  dAppleNum: number;
  dOrange: number;
  dOrangeNum: number;
  dTax: number;
}

/** The book's second graph (5.4.2): 2 apples at 100, 3 oranges at 150, 10% tax, with an AddLayer. */
export function buyAppleOrange(): BuyAppleOrange {
  const apple = 100;
  const appleNum = 2;
  const orange = 150;
  const orangeNum = 3;
  const tax = 1.1;

  const mulAppleLayer = new MulLayer();
  const mulOrangeLayer = new MulLayer();
  const addAppleOrangeLayer = new AddLayer();
  const mulTaxLayer = new MulLayer();

  const applePrice = mulAppleLayer.forward(apple, appleNum);
  const orangePrice = mulOrangeLayer.forward(orange, orangeNum);
  const allPrice = addAppleOrangeLayer.forward(applePrice, orangePrice);
  const price = mulTaxLayer.forward(allPrice, tax);

  const dprice = 1;
  const [dAllPrice, dTax] = mulTaxLayer.backward(dprice);
  const [dApplePrice, dOrangePrice] = addAppleOrangeLayer.backward(dAllPrice);
  const [dOrange, dOrangeNum] = mulOrangeLayer.backward(dOrangePrice);
  const [dApple, dAppleNum] = mulAppleLayer.backward(dApplePrice);
  const forward = { apple, appleNum, orange, orangeNum, tax, applePrice, orangePrice, allPrice, price };
  return { ...forward, dprice, dAllPrice, dApplePrice, dOrangePrice, dApple, dAppleNum, dOrange, dOrangeNum, dTax };
}

/** Figure 5-17 from a run of buyAppleOrange: apples (mul1) + oranges (mul2) at add, x tax (mul3) -> price. */
export function buyAppleOrangeGraph(r: BuyAppleOrange): ComputationalGraph {
  return {
    title: "Buying apples and oranges: forward and backward (5.4.2, figure 5-17)",
    nodes: [
      { id: "apple", label: "apple", kind: "input" },
      { id: "apple_num", label: "apple_num", kind: "input" },
      { id: "orange", label: "orange", kind: "input" },
      { id: "orange_num", label: "orange_num", kind: "input" },
      { id: "tax", label: "tax", kind: "input" },
      { id: "mul1", label: "×", kind: "op" },
      { id: "mul2", label: "×", kind: "op" },
      { id: "add", label: "+", kind: "op" },
      { id: "mul3", label: "×", kind: "op" },
      { id: "price", label: "price", kind: "output" },
    ],
    edges: [
      { from: "apple", to: "mul1", forward: r.apple, backward: r.dApple, label: "apple" },
      { from: "apple_num", to: "mul1", forward: r.appleNum, backward: r.dAppleNum, label: "apple_num" },
      { from: "orange", to: "mul2", forward: r.orange, backward: r.dOrange, label: "orange" },
      { from: "orange_num", to: "mul2", forward: r.orangeNum, backward: r.dOrangeNum, label: "orange_num" },
      { from: "mul1", to: "add", forward: r.applePrice, backward: r.dApplePrice, label: "apple_price" },
      { from: "mul2", to: "add", forward: r.orangePrice, backward: r.dOrangePrice, label: "orange_price" },
      { from: "add", to: "mul3", forward: r.allPrice, backward: r.dAllPrice, label: "all_price" },
      { from: "tax", to: "mul3", forward: r.tax, backward: r.dTax, label: "tax" },
      { from: "mul3", to: "price", forward: r.price, backward: r.dprice, label: "price" },
    ],
  };
}
