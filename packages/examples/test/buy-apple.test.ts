import { describe, expect, it } from "vitest";
import { buyApple } from "../src/index.js";
import { cli } from "./helpers.js";

// the book, 5.4.1: price 220, dapple 2.2, dapple_num 110, dtax 200, as IEEE doubles compute them
describe("buyApple", () => {
  it("gives the book's forward price and backward derivatives", () => {
    expect(buyApple()).toEqual({ price: 220.00000000000003, dApple: 2.2, dAppleNum: 110.00000000000001, dTax: 200 });
  });

  it("prints them as the book's script does", async () => {
    const { code, stdout } = await cli("demo", "buy-apple");
    expect(code).toBe(0);
    expect(stdout).toBe("220.00000000000003\n2.2 110.00000000000001 200\n");
  });
});
