import { describe, expect, it } from "vitest";
import { checkSchema, describeSchema, fitSchema, inputNames, inputScale, inputSize, parseCsv, unscale, type TableSchema } from "../../src/index.js";
import { expectDataError } from "./helpers.js";

// rows 0-3 train, 4-5 test; the test rows hold values far from the train rows' and a color train lacks
const RAW = parseCsv(["x,color,y,kind", "1,red,10,b", "2,blue,10,a", "3,red,20,b", "6,red,40,b", "1000,green,5000,c", "-50,blue,-900,a"].join("\n"), "fit.csv");
const TRAIN = { raw: RAW, rows: [0, 1, 2, 3] };
const ALL = [{ raw: RAW, rows: [0, 1, 2, 3, 4, 5] }];
const MISSING = ["", "NA"];

describe("fitSchema", () => {
  it("fits means and population standard deviations on the training rows only", () => {
    const schema = fitSchema(TRAIN, ALL, { target: "y", features: ["x", "color"], missing: MISSING });
    // x over train: 1, 2, 3, 6: mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5 (ddof 0)
    // y over train: 10, 10, 20, 40: mean 20, variance (100 + 100 + 0 + 400) / 4 = 150
    expect(schema).toEqual({
      features: [
        { name: "x", kind: "numeric", mean: 3, std: Math.sqrt(3.5) },
        { name: "color", kind: "categorical", categories: ["blue", "green", "red"] },
      ],
      target: { name: "y", task: "regression", mean: 20, std: Math.sqrt(150) },
      missing: MISSING,
    });
    // over all six rows x's mean would be (1 + 2 + 3 + 6 + 1000 - 50) / 6 = 160.33...
    expect((schema.features[0] as { mean: number }).mean).not.toBeCloseTo(962 / 6);
  });

  it("makes a text target a classification with sorted classes from every row", () => {
    const schema = fitSchema(TRAIN, ALL, { target: "kind", features: ["x"], missing: MISSING });
    expect(schema.target).toEqual({ name: "kind", task: "classification", classes: ["a", "b", "c"] });
  });

  it("makes a numeric target a classification when told, its classes in numeric order as String(n)", () => {
    const raw = parseCsv("x,k\n1,10\n2,9\n3,1.0\n4,2\n5,1\n", "k.csv");
    const all = [{ raw, rows: [0, 1, 2, 3, 4] }];
    const schema = fitSchema(all[0], all, { target: "k", features: ["x"], task: "classification", missing: MISSING });
    expect(schema.target).toEqual({ name: "k", task: "classification", classes: ["1", "2", "9", "10"] });
  });

  it("reads a column listed in categorical as text, numbers and all", () => {
    const schema = fitSchema(TRAIN, ALL, { target: "y", features: ["x"], categorical: ["x"], missing: MISSING });
    // code unit order: "-50" < "1" < "1000" < "2" < "3" < "6"
    expect(schema.features).toEqual([{ name: "x", kind: "categorical", categories: ["-50", "1", "1000", "2", "3", "6"] }]);
  });

  it("keeps a feature constant over the training rows with std 0", () => {
    const raw = parseCsv("c,y\n5,1\n5,2\n7,3\n", "c.csv");
    const schema = fitSchema({ raw, rows: [0, 1] }, [{ raw, rows: [0, 1, 2] }], { target: "y", features: ["c"], missing: MISSING });
    expect(schema.features[0]).toEqual({ name: "c", kind: "numeric", mean: 5, std: 0 });
  });

  it("refuses a regression target constant over the training rows", () => {
    const raw = parseCsv("x,y\n1,3\n2,3\n3,9\n", "const.csv");
    expectDataError(() => fitSchema({ raw, rows: [0, 1] }, [{ raw, rows: [0, 1, 2] }], { target: "y", features: ["x"], missing: MISSING }), 'const.csv: the target "y" is 3 in each of the 2 training rows, expected values that vary');
  });

  it("refuses a target of one class", () => {
    const raw = parseCsv("x,y\n1,cat\n2, cat\n", "one.csv");
    const all = [{ raw, rows: [0, 1] }];
    expectDataError(() => fitSchema(all[0], all, { target: "y", features: ["x"], missing: MISSING }), `one.csv: the target "y" has one class only ('cat'), expected at least two`);
  });

  it("refuses a text target for regression, naming its first value that is not a number", () => {
    expectDataError(() => fitSchema(TRAIN, ALL, { target: "kind", features: ["x"], task: "regression", missing: MISSING }), `fit.csv: line 2, column "kind": 'b' is not a number, so "kind" cannot be a regression target (leave task out, or make it classification)`);
    expectDataError(() => fitSchema(TRAIN, ALL, { target: "y", features: ["x"], task: "regression", categorical: ["y"], missing: MISSING }), 'fit.csv: the target "y" is listed in categorical, so it cannot be a regression target');
  });
});

/** The penguins' schema, written by hand. */
const PENGUIN_SCHEMA: TableSchema = {
  features: [
    { name: "Beak Length (mm)", kind: "numeric", mean: 44, std: 5.5 },
    { name: "Beak Depth (mm)", kind: "numeric", mean: 17, std: 2 },
    { name: "Flipper Length (mm)", kind: "numeric", mean: 201, std: 14 },
    { name: "Sex", kind: "categorical", categories: ["FEMALE", "MALE"] },
    { name: "Species", kind: "categorical", categories: ["Adelie", "Chinstrap", "Gentoo"] },
  ],
  target: { name: "Body Mass (g)", task: "regression", mean: 4200, std: 800 },
  missing: ["", "NA", "."],
};

describe("inputNames, inputSize, describeSchema, unscale", () => {
  it("name one input per numeric column and one per category, in order", () => {
    expect(inputNames(PENGUIN_SCHEMA)).toEqual(["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Sex=FEMALE", "Sex=MALE", "Species=Adelie", "Species=Chinstrap", "Species=Gentoo"]);
    expect(inputSize(PENGUIN_SCHEMA)).toBe(8);
  });

  it("describe the inputs in a line", () => {
    expect(describeSchema(PENGUIN_SCHEMA)).toBe("Beak Length (mm), Beak Depth (mm), Flipper Length (mm), Sex (FEMALE, MALE), Species (Adelie, Chinstrap, Gentoo): 8 inputs");
    expect(describeSchema({ ...PENGUIN_SCHEMA, features: [PENGUIN_SCHEMA.features[0]] })).toBe("Beak Length (mm): 1 input");
  });

  it("unscale a standardized output: y * std + mean", () => {
    expect(unscale(PENGUIN_SCHEMA, 0)).toBe(4200);
    expect(unscale(PENGUIN_SCHEMA, -1.5)).toBe(3000);
    const classes: TableSchema = { ...PENGUIN_SCHEMA, target: { name: "Species", task: "classification", classes: ["a", "b"] } };
    expectDataError(() => unscale(classes, 1), 'unscale: the target "Species" is a classification target, expected a regression target');
  });
});

describe("inputScale", () => {
  it("gives a numeric input its column's mean and std, a constant column std 1, and each one-hot input mean 0 and std 1", () => {
    const schema: TableSchema = {
      features: [
        { name: "a", kind: "numeric", mean: 2.5, std: 0.5 },
        { name: "kind", kind: "categorical", categories: ["x", "y", "z"] },
        { name: "flat", kind: "numeric", mean: 7, std: 0 },
      ],
      target: { name: "t", task: "regression", mean: 0, std: 1 },
      missing: [],
    };
    expect(inputScale(schema)).toEqual({ mean: [2.5, 0, 0, 0, 7], std: [0.5, 1, 1, 1, 1] });
  });
});

describe("checkSchema", () => {
  /** The schema as a model file holds it, changed by `change`. */
  function doctored(change: (s: any) => void): unknown {
    const s = JSON.parse(JSON.stringify(PENGUIN_SCHEMA));
    change(s);
    return s;
  }

  it("gives back a good schema as it was", () => {
    expect(checkSchema(JSON.parse(JSON.stringify(PENGUIN_SCHEMA)), "model.json")).toEqual(PENGUIN_SCHEMA);
    const classes = { ...PENGUIN_SCHEMA, target: { name: "Island", task: "classification", classes: ["Biscoe", "Dream"] } };
    expect(checkSchema(classes, "model.json")).toEqual(classes);
  });

  it("refuses a std that is not a number, or is negative", () => {
    expectDataError(() => checkSchema(doctored((s) => (s.features[1].std = "2")), "model.json"), 'model.json: schema.features[1].std must be a finite number, got "2"');
    expectDataError(() => checkSchema(doctored((s) => (s.features[0].std = -1)), "model.json"), "model.json: schema.features[0].std must be a standard deviation >= 0, got -1");
    expectDataError(() => checkSchema(doctored((s) => (s.target.std = 0)), "model.json"), "model.json: schema.target.std must be a standard deviation > 0, got 0");
    expectDataError(() => checkSchema(doctored((s) => delete s.target.mean), "model.json"), "model.json: schema.target.mean must be a finite number, got undefined");
  });

  it("refuses categories or classes that are not strings", () => {
    expectDataError(() => checkSchema(doctored((s) => (s.features[3].categories = ["FEMALE", 1])), "model.json"), "model.json: schema.features[3].categories[1] must be a string, got 1");
    expectDataError(() => checkSchema(doctored((s) => (s.features[4].categories = "Adelie")), "model.json"), 'model.json: schema.features[4].categories must be an array, got "Adelie"');
    expectDataError(() => checkSchema(doctored((s) => (s.features[3].categories = ["MALE", "MALE"])), "model.json"), "model.json: schema.features[3].categories holds a value twice, expected each once");
    expectDataError(() => checkSchema(doctored((s) => (s.target = { name: "Sex", task: "classification", classes: ["MALE"] })), "model.json"), "model.json: schema.target.classes must hold at least 2, got 1");
  });

  it("refuses unknown kinds and tasks, a missing name, a feature twice, the target as a feature", () => {
    expectDataError(() => checkSchema(doctored((s) => (s.features[0].kind = "ordinal")), "model.json"), 'model.json: schema.features[0].kind must be "numeric" or "categorical", got "ordinal"');
    expectDataError(() => checkSchema(doctored((s) => (s.target.task = "ranking")), "model.json"), 'model.json: schema.target.task must be "regression" or "classification", got "ranking"');
    expectDataError(() => checkSchema(doctored((s) => delete s.features[2].name), "model.json"), "model.json: schema.features[2].name must be a column name, got undefined");
    expectDataError(() => checkSchema(doctored((s) => (s.features[1].name = "Beak Length (mm)")), "model.json"), 'model.json: schema.features names "Beak Length (mm)" twice, expected each column once');
    expectDataError(() => checkSchema(doctored((s) => (s.target.name = "Sex")), "model.json"), 'model.json: schema.target "Sex" is also a feature, expected it apart');
    expectDataError(() => checkSchema(doctored((s) => (s.missing = null)), "model.json"), "model.json: schema.missing must be an array, got null");
    expectDataError(() => checkSchema([], "model.json"), "model.json: schema must be an object, got []");
    expectDataError(() => checkSchema(doctored((s) => (s.features = [])), "model.json"), "model.json: schema.features is empty, expected at least one feature");
  });
});
