// HiPlot's view: one line per row (an evaluation, a trial) across one vertical axis per column, coloured by one of
// them. Dragging along an axis in the page keeps only the lines that cross it there (ECharts' parallel brushing).
import type { PageChart } from "./charts.js";

/** An axis of a parallel plot: numbers (linear or log) or categories. */
export type ParallelAxis = { name: string; type: "value" | "log" } | { name: string; type: "category"; categories: string[] };

export interface ParallelChartSpec {
  id: string;
  title: string;
  axes: ParallelAxis[];
  /** One row per line, a value per axis (a category's value is its name). */
  rows: (number | string)[][];
  /** The axis whose value colours the lines (a numeric one). */
  colorBy: number;
  /** True when smaller is better on the colour axis (a loss, an error): the best lines are drawn darkest. */
  lowerIsBetter?: boolean;
  width?: number;
  height?: number;
}

/** The plot as a chart: axes in order, lines coloured by the `colorBy` axis, every axis brushable. */
export function parallelChart(spec: ParallelChartSpec): PageChart {
  const { axes, rows, colorBy } = spec;
  rows.forEach((row, i) => {
    if (row.length !== axes.length) throw new RangeError(`parallelChart ${spec.id}: row ${i} has ${row.length} values, expected one per axis (${axes.length})`);
  });
  const colors = rows.map((r) => r[colorBy]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const min = colors.length ? Math.min(...colors) : 0;
  const max = colors.length ? Math.max(...colors) : 1;
  const palette = ["#fde68a", "#f59e0b", "#dc2626", "#7f1d1d"];
  return {
    id: spec.id,
    title: spec.title,
    kind: "parallel",
    width: spec.width ?? 1100,
    height: spec.height ?? 420,
    option: {
      // every line at once, so that a screenshot or a brush right after loading sees them all
      animation: false,
      title: { text: spec.title, left: "center", textStyle: { fontSize: 14 } },
      parallel: { left: 70, right: 110, top: 70, bottom: 40 },
      parallelAxis: axes.map((axis, dim) => ({
        dim,
        name: axis.name,
        type: axis.type,
        ...(axis.type === "category" ? { data: axis.categories } : { scale: true }),
        nameTextStyle: { fontSize: 12 },
      })),
      visualMap: {
        type: "continuous",
        dimension: colorBy,
        min,
        max: max > min ? max : min + 1,
        inRange: { color: spec.lowerIsBetter ? [...palette].reverse() : palette },
        right: 10,
        top: "middle",
        calculable: true,
        // the handles' labels: enough digits to tell 0.105 from 0.89 (ECharts rounds to integers by default)
        precision: colorPrecision(min, max),
        text: [axes[colorBy].name, ""],
        textStyle: { fontSize: 11 },
      },
      series: [
        {
          type: "parallel",
          lineStyle: { width: 1.5, opacity: 0.8 },
          inactiveOpacity: 0.04,
          activeOpacity: 1,
          data: rows,
        },
      ],
    },
  };
}

/** Decimal places that show a range's ends apart: 3 significant digits of its width. */
function colorPrecision(min: number, max: number): number {
  const width = max - min;
  if (!(width > 0) || !Number.isFinite(width)) return 2;
  return Math.max(0, Math.min(10, 2 - Math.floor(Math.log10(width))));
}
