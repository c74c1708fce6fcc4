import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_MISSING, PENGUINS, describeSchema, loadPenguins, penguinsTable } from "../../src/index.js";

// The numbers below come from python3 with numpy, not from this code: json.load(data/penguins.json); keep the records
// with every used column neither null nor "."; split with seedrandom's Alea("0") written again in Python
// (double() = next() + (next() * 2^21 | 0) * 2^-53, Fisher-Yates from the last index with j = floor(double() * (i + 1)),
// the first round(333 * 0.2) = 67 of the permutation to test); then numpy.mean and numpy.std (ddof 0) of the train rows.
const DROPPED_RECORDS = [4, 9, 10, 11, 12, 48, 247, 287, 325, 337, 340];
const FIRST_TEST_RECORDS = [3, 8, 16, 18, 19, 29, 33, 43];
const TRAIN_MASS_MEAN = 4210.150375939849;
const TRAIN_MASS_STD = 824.6726258298452;
const TRAIN_FLIPPER_MEAN = 201.1766917293233;
const TRAIN_FLIPPER_STD = 14.306617571899313;
// the mean over all 333 kept records, which a leak of the test rows would move the fit towards
const ALL_KEPT_MASS_MEAN = 4207.057057057057;

describe("penguins", () => {
  it("embeds vega-datasets 3.2.1's data/penguins.json byte for byte", () => {
    const bytes = readFileSync(fileURLToPath(new URL("../../data/penguins.json", import.meta.url)));
    expect(bytes.length).toBe(67119);
    expect(createHash("sha1").update(bytes).digest("hex")).toBe("1cd902367061ec07d2bf329ae81e150b49dc0761");
    // the git blob hash, which vega-datasets' datapackage.json records: sha1 of "blob <size>\0" and the bytes
    const blob = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
    expect(blob).toBe("517b6d3267174b1b65691a37cbd59c1739155866");
  });

  it("reads 344 records of 7 keys", () => {
    const table = penguinsTable();
    expect(table.name).toBe("penguins.json");
    expect(table.unit).toBe("record");
    expect(table.columns).toEqual(["Species", "Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", "Sex"]);
    expect(table.rows.length).toBe(344);
    expect(table.rows[0]).toEqual(["Adelie", "Torgersen", 39.1, 18.7, 181, 3750, "MALE"]);
    expect(table.rows[3]).toEqual(["Adelie", "Torgersen", null, null, null, null, null]);
  });

  it("predicts body mass from five columns, reading Sex '.' as missing", () => {
    expect(PENGUINS).toEqual({
      target: "Body Mass (g)",
      features: ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Sex", "Species"],
      missing: [...DEFAULT_MISSING, "."],
    });
  });

  it("keeps 333 of 344 rows and splits them 266 / 67 by seed 0", () => {
    const { report, train, test } = loadPenguins();
    expect(report).toEqual({
      name: "penguins.json",
      unit: "record",
      rows: 344,
      kept: 333,
      dropped: 11,
      droppedLines: DROPPED_RECORDS,
      train: 266,
      test: 67,
      task: "regression",
      inputs: ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Sex=FEMALE", "Sex=MALE", "Species=Adelie", "Species=Chinstrap", "Species=Gentoo"],
    });
    expect([train.length, test.length, train.inputSize]).toEqual([266, 67, 8]);
    expect(test.lines.slice(0, 8)).toEqual(FIRST_TEST_RECORDS);
    expect(train.all().x.shape).toEqual([266, 8]);
    expect(test.all().t.shape).toEqual([67, 1]);
  });

  it("fits the standardization on the 266 training rows, as numpy does", () => {
    const { schema } = loadPenguins();
    expect(describeSchema(schema)).toBe("Beak Length (mm), Beak Depth (mm), Flipper Length (mm), Sex (FEMALE, MALE), Species (Adelie, Chinstrap, Gentoo): 8 inputs");
    expect(schema.target.task).toBe("regression");
    const target = schema.target as { mean: number; std: number };
    expect(target.mean).toBeCloseTo(TRAIN_MASS_MEAN, 9);
    expect(target.std).toBeCloseTo(TRAIN_MASS_STD, 9);
    expect(target.mean).not.toBeCloseTo(ALL_KEPT_MASS_MEAN, 0);
    expect(schema.features[2]).toMatchObject({ name: "Flipper Length (mm)", kind: "numeric" });
    const flipper = schema.features[2] as { mean: number; std: number };
    expect(flipper.mean).toBeCloseTo(TRAIN_FLIPPER_MEAN, 9);
    expect(flipper.std).toBeCloseTo(TRAIN_FLIPPER_STD, 9);
  });

  it("encodes the first training penguin by hand: Adelie, male, 39.1 / 18.7 / 181, 3750 g", () => {
    const { train, schema } = loadPenguins();
    expect(train.lines[0]).toBe(1);
    const [beak, depth] = schema.features as { mean: number; std: number }[];
    const target = schema.target as { mean: number; std: number };
    const { x, t } = train.batch([0]);
    const row = Array.from(x.contiguousData());
    expect(row[0]).toBeCloseTo((39.1 - beak.mean) / beak.std, 12);
    expect(row[1]).toBeCloseTo((18.7 - depth.mean) / depth.std, 12);
    expect(row[2]).toBeCloseTo((181 - TRAIN_FLIPPER_MEAN) / TRAIN_FLIPPER_STD, 9);
    expect(row.slice(3)).toEqual([0, 1, 1, 0, 0]);
    expect(t.contiguousData()[0]).toBeCloseTo((3750 - TRAIN_MASS_MEAN) / TRAIN_MASS_STD, 9);
    expect(target.mean).toBeCloseTo(TRAIN_MASS_MEAN, 9);
  });

  it("takes other options: another seed, another target with every other column", () => {
    const other = loadPenguins({ seed: 1 });
    expect(other.test.lines).not.toEqual(loadPenguins().test.lines);
    const species = loadPenguins({ target: "Species" });
    expect(species.schema.target).toEqual({ name: "Species", task: "classification", classes: ["Adelie", "Chinstrap", "Gentoo"] });
    expect(species.schema.features.map((f) => f.name)).toEqual(["Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", "Sex"]);
    expect(species.train.classes).toBe(3);
  });
});
