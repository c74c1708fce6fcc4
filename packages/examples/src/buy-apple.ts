import { MulLayer } from "@backprop/layers";

/** The book's first graph (5.4.1): 2 apples at 100 each, 10% tax; forward then backward through MulLayers. */
export function buyApple(): { price: number; dApple: number; dAppleNum: number; dTax: number } {
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
  return { price, dApple, dAppleNum, dTax };
}
