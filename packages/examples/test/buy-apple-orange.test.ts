import { describe, expect, it } from "vitest";
import { buyAppleOrange } from "../src/index.js";
import { cli } from "./helpers.js";

// the book, 5.4.2: (2 * 100 + 3 * 150) * 1.1 is 715.0000000000001 in doubles (the book's Python prints the same)
describe("buyAppleOrange", () => {
  it("gives the book's forward price and backward derivatives", () => {
    expect(buyAppleOrange()).toEqual({ price: 715.0000000000001, dAppleNum: 110.00000000000001, dApple: 2.2, dOrange: 3.3000000000000003, dOrangeNum: 165, dTax: 650 });
  });

  it("prints them as the book's script does", async () => {
    const { code, stdout } = await cli("demo", "buy-apple-orange");
    expect(code).toBe(0);
    expect(stdout).toBe("715.0000000000001\n110.00000000000001 2.2 3.3000000000000003 165 650\n");
  });
});
