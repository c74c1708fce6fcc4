// Charts are ECharts options: plain JSON, rendered to SVG here in Node (for PNGs and tests) by ECharts' server-side
// renderer, and embedded as they are in a page, where the same library draws them interactively.
import { init, type EChartsOption } from "echarts";

/** A chart of a page: where it goes (id), its size in pixels, and its ECharts option (JSON only, no functions). */
export interface PageChart {
  id: string;
  title: string;
  width: number;
  height: number;
  option: EChartsOption;
  /** "parallel": a parallel-coordinates plot whose page counts and announces the lines its brushed axes keep. */
  kind?: "parallel";
}

/** The chart as a standalone SVG document, as ECharts draws it in a page (animation off, white background). */
export function chartSvg(chart: PageChart): string {
  const instance = init(null, null, { renderer: "svg", ssr: true, width: chart.width, height: chart.height });
  try {
    instance.setOption({ backgroundColor: "#ffffff", ...chart.option, animation: false });
    return instance.renderToSVGString();
  } finally {
    instance.dispose();
  }
}
