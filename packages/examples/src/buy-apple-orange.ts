import { AddLayer, MulLayer } from "@backprop/layers";

/** The book's second graph (5.4.2): 2 apples at 100, 3 oranges at 150, 10% tax, with an AddLayer. */
export function buyAppleOrange(): { price: number; dAppleNum: number; dApple: number; dOrange: number; dOrangeNum: number; dTax: number } {
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
  return { price, dAppleNum, dApple, dOrange, dOrangeNum, dTax };
}
