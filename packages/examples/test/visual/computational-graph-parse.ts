// Reading a computational graph's SVG back for the tests, by regular expressions on its semantic markup, and the
// checks the tests make of it: the book's numbers on the right edges, and no two texts drawn over each other.

/** A `<text>` as drawn: its class, its words (tspans joined), its anchor point, size and alignment. */
export interface DrawnText {
  cls: string | undefined;
  content: string;
  x: number;
  y: number;
  fontSize: number;
  anchor: string;
}

/** An edge as drawn: `<g class="edge" data-from data-to>` and the words of its forward and backward texts. */
export interface DrawnEdge {
  from: string;
  to: string;
  forward: string | undefined;
  backward: string | undefined;
}

/** A box: [x0, x1] x [y0, y1]. */
export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

const unescape = (s: string): string =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m === null ? undefined : unescape(m[1]);
};

/** Every `<text>` of `markup`. */
export function drawnTexts(markup: string): DrawnText[] {
  return [...markup.matchAll(/<text(\s[^>]*)>([\s\S]*?)<\/text>/g)].map(([, tag, inner]) => ({
    cls: attr(tag, "class"),
    content: unescape(inner.replace(/<[^>]*>/g, "")),
    x: Number(attr(tag, "x")),
    y: Number(attr(tag, "y")),
    fontSize: Number(attr(tag, "font-size")),
    anchor: attr(tag, "text-anchor") ?? "start",
  }));
}

/** The graph's nodes (id -> kind and label) and edges, as the SVG holds them. */
export function readGraphSvg(svg: string): { nodes: Map<string, { kind: string; label: string }>; edges: DrawnEdge[] } {
  const nodes = new Map<string, { kind: string; label: string }>();
  for (const [, tag, inner] of svg.matchAll(/<g(\s[^>]*class="node"[^>]*)>([\s\S]*?)<\/g>/g)) {
    nodes.set(attr(tag, "data-node")!, { kind: attr(tag, "data-kind")!, label: drawnTexts(inner)[0]?.content ?? "" });
  }
  const edges = [...svg.matchAll(/<g(\s[^>]*class="edge"[^>]*)>([\s\S]*?)<\/g>/g)].map(([, tag, inner]) => {
    const texts = drawnTexts(inner);
    return {
      from: attr(tag, "data-from")!,
      to: attr(tag, "data-to")!,
      forward: texts.find((t) => t.cls === "forward")?.content,
      backward: texts.find((t) => t.cls === "backward")?.content,
    };
  });
  return { nodes, edges };
}

/** An edge of the book's figure: "from -> to", the strings JavaScript prints, and the book's own numbers. */
export interface BookEdge {
  forward: string;
  backward: string;
  book: [forward: number, backward: number];
}

/**
 * What in `svg` disagrees with the book's figure: an edge missing, one more, or drawn with other words than
 * expected, or words whose numbers are not within 1e-12 of the book's. Empty when the figure is the book's.
 */
export function bookProblems(svg: string, book: Record<string, BookEdge>): string[] {
  const problems: string[] = [];
  const drawn = new Map(readGraphSvg(svg).edges.map((e) => [`${e.from} -> ${e.to}`, e]));
  for (const [key, want] of Object.entries(book)) {
    const got = drawn.get(key);
    if (got === undefined) {
      problems.push(`${key}: not drawn`);
      continue;
    }
    for (const [side, words, number] of [["forward", want.forward, want.book[0]], ["backward", want.backward, want.book[1]]] as const) {
      const shown = got[side];
      if (shown !== words) problems.push(`${key}: ${side} is '${shown}', expected '${words}'`);
      else if (!(Math.abs(Number(shown) - number) <= 1e-12)) problems.push(`${key}: ${side} ${shown} is not the book's ${number}`);
    }
  }
  for (const key of drawn.keys()) if (!(key in book)) problems.push(`${key}: drawn, but not in the book's figure`);
  return problems;
}

// an approximation independent of the drawing's own: 0.62 em a character, from 0.8 em above the baseline to 0.2 em below
/** The box a text covers, approximately: font size x 0.62 a character wide, one font size high. */
export function textBox(t: DrawnText): Box {
  const w = [...t.content].length * t.fontSize * 0.62;
  const x0 = t.anchor === "middle" ? t.x - w / 2 : t.anchor === "end" ? t.x - w : t.x;
  return { x0, x1: x0 + w, y0: t.y - 0.8 * t.fontSize, y1: t.y + 0.2 * t.fontSize };
}

const intersect = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** The pairs of texts of `svg` whose boxes intersect, as "words / words". */
export function overlappingTexts(svg: string): string[] {
  const texts = drawnTexts(svg);
  const pairs: string[] = [];
  texts.forEach((a, i) => texts.slice(i + 1).forEach((b) => intersect(textBox(a), textBox(b)) && pairs.push(`${a.content} / ${b.content}`)));
  return pairs;
}

/** The values (forward, backward texts) of `svg` drawn over a node's circle or box, as "words on node". */
export function valuesOnNodes(svg: string): string[] {
  const shapes: [string, Box][] = [];
  for (const [, tag, inner] of svg.matchAll(/<g(\s[^>]*class="node"[^>]*)>([\s\S]*?)<\/g>/g)) {
    const id = attr(tag, "data-node")!;
    const circle = /<circle(\s[^>]*)\/>/.exec(inner)?.[1];
    const rect = /<rect(\s[^>]*)\/>/.exec(inner)?.[1];
    if (circle !== undefined) {
      const [cx, cy, r] = ["cx", "cy", "r"].map((a) => Number(attr(circle, a)));
      shapes.push([id, { x0: cx - r, x1: cx + r, y0: cy - r, y1: cy + r }]);
    } else if (rect !== undefined) {
      const [x, y, w, h] = ["x", "y", "width", "height"].map((a) => Number(attr(rect, a)));
      shapes.push([id, { x0: x, x1: x + w, y0: y, y1: y + h }]);
    }
  }
  const values = drawnTexts(svg).filter((t) => t.cls === "forward" || t.cls === "backward");
  return values.flatMap((t) => shapes.filter(([, box]) => intersect(textBox(t), box)).map(([id]) => `${t.content} on ${id}`));
}
