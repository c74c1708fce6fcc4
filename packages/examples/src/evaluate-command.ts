import { predictions, type ModelHeader, type Net } from "@backprop/layers";
import { loadModel } from "@backprop/layers/node";
import type { ImageDataset } from "@backprop/datasets";
import { UsageError, parseFlags } from "./args";
import { dataSource, describeData, loadData, type DataSource } from "./data";
import type { Output } from "./output";

const CMD = "backprop evaluate";

export const EVALUATE_HELP = `Usage: backprop evaluate --model PATH [flags]

Loads a model written by 'train --save' (or a checkpoint), and prints its accuracy on the test set and the
confusion matrix (rows: the true class, columns: the predicted one).

Flags:
  --model PATH   the model file
  --data DIR     the folder of IDX files to test on (default: the data the model was trained on, as recorded in it)
  --json         print { model, data, testSize, correct, accuracy, confusion }
  --help         this text

Exit codes: 0 done, 2 bad flags or a bad model or data file.
`;

/** confusion[t][p]: how many test samples of class t the net predicts as p. */
export function confusionMatrix(net: Net, test: ImageDataset): number[][] {
  const confusion = Array.from({ length: test.classes }, () => new Array<number>(test.classes).fill(0));
  const { predicted, labels } = predictions(net, test);
  labels.forEach((t, i) => confusion[t][predicted[i]]++);
  return confusion;
}

export function evaluateCommand(argv: string[], out: Output): number {
  const { values: v } = parseFlags(CMD, argv, { model: { type: "string" }, data: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } });
  if (v.help) {
    out.stdout(EVALUATE_HELP);
    return 0;
  }
  if (typeof v.model !== "string") throw new UsageError(`${CMD}: --model PATH is required`);
  const { net, header } = loadModel(v.model);
  const recorded = recordedData(header);
  const data = v.data !== undefined ? dataSource(v.data as string) : (recorded ?? dataSource(undefined));
  const mnist = loadData(data);
  const [inputSize, outputSize] = netSizes(net);
  if (mnist.test.imageSize !== inputSize || mnist.test.classes !== outputSize) {
    throw new UsageError(
      `${CMD}: the model takes ${inputSize} inputs and ${outputSize} classes, but the test images are ${mnist.test.rows}x${mnist.test.cols} = ${mnist.test.imageSize} pixels in ${mnist.test.classes} classes`,
    );
  }
  const confusion = confusionMatrix(net, mnist.test);
  const correct = confusion.reduce((sum, row, k) => sum + row[k], 0);
  const accuracy = correct / mnist.test.length;
  if (v.json) {
    out.stdout(`${JSON.stringify({ model: v.model, data, testSize: mnist.test.length, correct, accuracy, confusion })}\n`);
    return 0;
  }
  out.stdout(`${net} from ${v.model} on the ${describeData(data, mnist, true)}\n`);
  out.stdout(`test accuracy ${accuracy.toFixed(4)} (${correct} / ${mnist.test.length})\n`);
  out.stdout("confusion matrix (rows: true class, columns: predicted)\n");
  const width = Math.max(4, String(mnist.test.length).length + 1);
  out.stdout(`${" ".repeat(4)}${confusion.map((_, p) => String(p).padStart(width)).join("")}\n`);
  confusion.forEach((row, t) => out.stdout(`${String(t).padStart(4)}${row.map((n) => String(n).padStart(width)).join("")}\n`));
  return 0;
}

/** The data a model or checkpoint was trained on, wherever its version keeps it. */
function recordedData(header: ModelHeader): DataSource | undefined {
  if (header.version === 1) {
    const v1 = header as unknown as { training?: { config?: { data?: DataSource } }; checkpoint?: { data?: DataSource } };
    return v1.training?.config?.data ?? v1.checkpoint?.data;
  }
  return header.data as DataSource | undefined;
}

/** The inputs a net takes and the classes it scores: its first Affine's input and its last one's output. */
export function netSizes(net: Net): [number, number] {
  const affine = net.spec().layers.filter((l) => l.type === "Affine");
  return [affine[0]?.inputSize as number, affine.at(-1)?.outputSize as number];
}
