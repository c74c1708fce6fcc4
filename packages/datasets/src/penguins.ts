import records from "../data/penguins.json" with { type: "json" };
import { DEFAULT_MISSING } from "./table/columns.js";
import { DEFAULT_TEST_FRACTION, prepareTable, type Table, type TableOptions } from "./table/load-table.js";
import { recordsTable } from "./table/parse.js";
import type { RawTable } from "./table/types.js";

/**
 * The Palmer penguins (data/penguins.json, see data/README.md): body mass from beak, flipper, sex and species.
 * Sex "." is one penguin's unknown sex, so it reads as missing too.
 */
export const PENGUINS = {
  target: "Body Mass (g)",
  features: ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Sex", "Species"],
  missing: [...DEFAULT_MISSING, "."],
} as const satisfies TableOptions;

/** The 344 penguins as read, one row per JSON record (keys: Species, Island, Beak Length (mm), ..., Sex). */
export function penguinsTable(): RawTable {
  return recordsTable(records, "penguins.json");
}

/**
 * The penguins ready to train on: by default body mass (regression) from the five PENGUINS features, the 333
 * complete rows split 266 train / 67 test by seed 0. Another target without features reads every other column.
 */
export function loadPenguins(options: Partial<TableOptions> = {}): Table {
  const { target = PENGUINS.target, missing = [...PENGUINS.missing], ...rest } = options;
  const features = options.features ?? (target === PENGUINS.target ? [...PENGUINS.features] : undefined);
  return prepareTable(penguinsTable(), { seed: 0, testFraction: DEFAULT_TEST_FRACTION, ...rest, target, ...(features ? { features } : {}), missing });
}
