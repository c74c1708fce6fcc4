// The pieces every picture of backprop is written with: escaped text, elements, a document, and one palette, so
// that forward values and backward gradients have the same colours in every graph.

/** Forward values (above an edge) and backward gradients (below it), in every picture. */
export const COLORS = {
  forward: "#1f2937",
  backward: "#c2410c",
  node: "#f3f4f6",
  nodeStroke: "#374151",
  param: "#1d4ed8",
  muted: "#6b7280",
} as const;

/** Fonts that a page, Chromium and resvg all have (DejaVu on Debian); nothing is fetched. */
export const FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";

/** `s` safe inside XML or HTML text and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

export type Attrs = Record<string, string | number | undefined>;

/** `<tag attrs>children</tag>`; attributes that are undefined are left out, children are already markup. */
export function el(tag: string, attrs: Attrs = {}, ...children: string[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join("");
  return children.length === 0 ? `<${tag}${a}/>` : `<${tag}${a}>${children.join("")}</${tag}>`;
}

/** A `<text>` element holding `content` as text. */
export function text(content: string, attrs: Attrs = {}): string {
  return el("text", { "font-family": FONT, ...attrs }, escapeXml(content));
}

/** A standalone SVG document of `width` x `height` with a white background and a <title>. */
export function svgDocument(width: number, height: number, title: string, body: string): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${escapeXml(FONT)}">` +
    `${el("title", {}, escapeXml(title))}${el("rect", { width: w, height: h, fill: "#ffffff" })}${body}</svg>\n`
  );
}
