// SVG to PNG without a browser, by resvg (Rust, prebuilt per platform): loaded only when a PNG is asked for, so
// that everything else runs where its binary is missing.
import { join } from "node:path";
import { writeFileAtomic } from "@backprop/layers/node";
import { UsageError } from "../args.js";
import { chartSvg, type PageChart } from "./charts.js";
import { FONT } from "./svg.js";

/** The PNG of an SVG document at `scale` times its size, with the machine's fonts (nothing is fetched). */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  let Resvg: typeof import("@resvg/resvg-js").Resvg;
  try {
    ({ Resvg } = await import("@resvg/resvg-js"));
  } catch (error) {
    throw new UsageError(`svgToPng: cannot load @resvg/resvg-js, which writes PNGs (${(error as Error).message.split("\n")[0]})`);
  }
  const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 800);
  const resvg = new Resvg(svg, { fitTo: { mode: "width", value: Math.round(width * scale) }, font: { loadSystemFonts: true, defaultFontFamily: FONT.split(",")[0] } });
  return resvg.render().asPng();
}

/** Writes each chart as DIR/<id>.png, whole or not at all; returns the paths written. */
export async function writeChartPngs(charts: PageChart[], dir: string): Promise<string[]> {
  const paths: string[] = [];
  for (const chart of charts) {
    const path = join(dir, `${chart.id}.png`);
    writeFileAtomic(path, [await svgToPng(chartSvg(chart))]);
    paths.push(path);
  }
  return paths;
}
