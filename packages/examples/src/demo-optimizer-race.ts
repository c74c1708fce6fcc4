import { writeFileAtomic } from "@backprop/layers/node";
import { UsageError } from "./args.js";
import type { Demo } from "./demo-command.js";
import { checkOutput } from "./output-paths.js";
import { race } from "./race/race.js";
import { raceJson, raceText } from "./race/race-report.js";
import { raceSvg } from "./race/race-svg.js";
import { TEST_FUNCTIONS } from "./race/test-functions.js";

const CMD = "backprop demo optimizer-race";

export const optimizerRaceDemo: Demo = {
  name: "optimizer-race",
  summary: "GD, Momentum and Adam against RK45 and BDF on the gradient flow, from seeded starts to |grad f| < 1e-5 on camel, goldstein-price or x^2/20 + y^2; gradients spent",
  flags: { function: { type: "string" }, json: { type: "boolean" }, svg: { type: "string" } },
  flagsHelp: `  --function NAME       camel (six-hump camel, the default), goldstein-price, or book (x^2/20 + y^2)
  --json                print the table's rows as JSON instead
  --svg FILE            also draw every method's path from every start over the contour lines of f
`,
  run(values, out) {
    const name = (values.function as string | undefined) ?? "camel";
    if (!Object.hasOwn(TEST_FUNCTIONS, name)) throw new UsageError(`${CMD}: --function must be ${Object.keys(TEST_FUNCTIONS).slice(0, -1).join(", ")} or ${Object.keys(TEST_FUNCTIONS).at(-1)}, got '${name}'`);
    const fn = TEST_FUNCTIONS[name];
    const svgPath = values.svg as string | undefined;
    if (svgPath !== undefined) checkOutput("svg", svgPath, CMD);
    const result = race(fn);
    if (svgPath !== undefined) writeFileAtomic(svgPath, [raceSvg(result)]);
    out.stdout(values.json ? raceJson(result) : raceText(result));
    if (svgPath !== undefined) out.stderr(`wrote ${svgPath}\n`);
    return 0;
  },
};
