import { describe, expect, test } from "vitest";
import { DEFAULT_SETTINGS, settingsFromQuery, settingsToQuery, type PlaygroundSettings } from "../../src/playground/settings.js";

const other: PlaygroundSettings = {
  dataset: "xor",
  points: 250,
  classes: 5,
  noise: 0.35,
  testRatio: 0.3,
  hidden: [16, 4, 1],
  activation: "tanh",
  init: 0.01,
  optimizer: "adam",
  lr: 0.001,
  batchSize: 64,
  weightDecay: 1e-4,
  dropout: 0.5,
  batchNorm: true,
  seed: 123456,
};

describe("settings in the URL", () => {
  test("the defaults are the book's spiral recipe", () => {
    expect(DEFAULT_SETTINGS).toEqual({
      dataset: "spiral", points: 100, classes: 3, noise: 0.2, testRatio: 0.2, hidden: [8, 8], activation: "relu", init: "he",
      optimizer: "sgd", lr: 0.3, batchSize: 30, weightDecay: 0, dropout: 0, batchNorm: false, seed: 0,
    });
    expect(settingsToQuery(DEFAULT_SETTINGS)).toBe(
      "dataset=spiral&points=100&classes=3&noise=0.2&testRatio=0.2&hidden=8,8&activation=relu&init=he&optimizer=sgd&lr=0.3&batchSize=30&weightDecay=0&dropout=0&batchNorm=false&seed=0",
    );
  });

  test("an empty query gives the defaults and no errors", () => {
    expect(settingsFromQuery("")).toEqual({ settings: DEFAULT_SETTINGS, errors: [] });
    expect(settingsFromQuery("?")).toEqual({ settings: DEFAULT_SETTINGS, errors: [] });
  });

  test("every setting survives the round trip, with or without ?", () => {
    for (const s of [DEFAULT_SETTINGS, other, { ...other, hidden: [], init: "xavier" as const, dataset: "csv" as const, activation: "sigmoid" as const }]) {
      expect(settingsFromQuery(settingsToQuery(s))).toEqual({ settings: s, errors: [] });
      expect(settingsFromQuery(`?${settingsToQuery(s)}`).settings).toEqual(s);
    }
    for (const [key, value] of Object.entries(other)) {
      const one = settingsFromQuery(settingsToQuery({ ...DEFAULT_SETTINGS, [key]: value })).settings;
      expect(one).toEqual({ ...DEFAULT_SETTINGS, [key]: value });
    }
  });

  test("numbers such as 1e-7 and 0.30000000000000004 keep their bits", () => {
    const s = { ...DEFAULT_SETTINGS, lr: 1e-7, weightDecay: 0.1 + 0.2 };
    expect(settingsFromQuery(settingsToQuery(s)).settings).toEqual(s);
  });

  test("a missing key keeps its default", () => {
    expect(settingsFromQuery("seed=7&hidden=3").settings).toEqual({ ...DEFAULT_SETTINGS, seed: 7, hidden: [3] });
  });

  test("each bad value is named in one line and replaced by the default", () => {
    const bad: [string, string][] = [
      ["dataset=moons", "dataset: expected one of spiral, circles, xor, gaussians, regression, csv, got 'moons'"],
      ["points=5", "points: expected an integer from 10 to 1000, got '5'"],
      ["points=10.5", "points: expected an integer from 10 to 1000, got '10.5'"],
      ["classes=6", "classes: expected an integer from 2 to 5, got '6'"],
      ["noise=-0.1", "noise: expected a number from 0 to 1, got '-0.1'"],
      ["testRatio=0.95", "testRatio: expected a number from 0.1 to 0.9, got '0.95'"],
      ["hidden=x", "hidden: expected up to 6 sizes of 1 to 16 units such as 8,8, got 'x'"],
      ["hidden=8,17", "hidden: expected up to 6 sizes of 1 to 16 units such as 8,8, got '8,17'"],
      ["hidden=1,1,1,1,1,1,1", "hidden: expected up to 6 sizes of 1 to 16 units such as 8,8, got '1,1,1,1,1,1,1'"],
      ["activation=gelu", "activation: expected one of relu, sigmoid, tanh, got 'gelu'"],
      ["init=0", "init: expected he, xavier or a standard deviation above 0, got '0'"],
      ["optimizer=lbfgs", "optimizer: expected one of sgd, momentum, nesterov, adagrad, rmsprop, adam, got 'lbfgs'"],
      ["lr=", "lr: expected a number above 0, at most 10, got ''"],
      ["lr=11", "lr: expected a number above 0, at most 10, got '11'"],
      ["batchSize=0", "batchSize: expected an integer from 1 to 1000, got '0'"],
      ["weightDecay=NaN", "weightDecay: expected a number from 0 to 1, got 'NaN'"],
      ["dropout=1", "dropout: expected a number from 0 to 0.9 (0: no dropout), got '1'"],
      ["batchNorm=yes", "batchNorm: expected true or false, got 'yes'"],
      ["seed=-1", "seed: expected an integer from 0 to 2^31 - 1, got '-1'"],
      ["colour=red", "colour: unknown setting, expected one of dataset, points, classes, noise, testRatio, hidden, activation, init, optimizer, lr, batchSize, weightDecay, dropout, batchNorm, seed"],
    ];
    for (const [query, error] of bad) expect(settingsFromQuery(`${query}&seed=3`)).toEqual({ settings: { ...DEFAULT_SETTINGS, seed: 3 }, errors: [error] });
    const all = settingsFromQuery(bad.map(([query]) => query).join("&"));
    expect(all.errors).toHaveLength(bad.length);
    expect(all.errors.every((line) => !line.includes("\n"))).toBe(true);
  });
});
