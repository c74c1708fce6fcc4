// A small XML reader for the SVGs backprop writes (elements, attributes, text; no DTD, no CDATA), so that a test
// reads the picture as a tree and finds its semantic groups, as a browser's DOM would.
import { expect } from "vitest";

export interface XmlNode {
  tag: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** The text directly inside, entities decoded. */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (_, e: string) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITIES[e] ?? `&${e};`),
  );
}

/** The document's root element; throws on markup that does not nest. */
export function parseXml(xml: string): XmlNode {
  const root: XmlNode = { tag: "#document", attrs: {}, children: [], text: "" };
  const stack = [root];
  const token = /<\/([\w:-]+)\s*>|<([\w:-]+)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  for (const m of xml.replace(/<\?[^>]*\?>|<!--[\s\S]*?-->/g, "").matchAll(token)) {
    const top = stack[stack.length - 1];
    if (m[1]) {
      if (top.tag !== m[1]) throw new Error(`parseXml: </${m[1]}> closes <${top.tag}>`);
      stack.pop();
    } else if (m[2]) {
      const attrs = Object.fromEntries([...m[3].matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], decode(a[2])]));
      const node: XmlNode = { tag: m[2], attrs, children: [], text: "" };
      top.children.push(node);
      if (!m[4]) stack.push(node);
    } else if (m[5]) {
      top.text += decode(m[5]);
    }
  }
  expect(stack.length, "every element closed").toBe(1);
  return root.children[0];
}

/** Every element below `node` (depth first, in document order) that `match` accepts. */
export function findAll(node: XmlNode, match: (n: XmlNode) => boolean): XmlNode[] {
  const found: XmlNode[] = [];
  const visit = (n: XmlNode): void => {
    for (const c of n.children) {
      if (match(c)) found.push(c);
      visit(c);
    }
  };
  visit(node);
  return found;
}

/** Elements whose class list holds `cls`. */
export function byClass(node: XmlNode, cls: string): XmlNode[] {
  return findAll(node, (n) => (n.attrs.class ?? "").split(/\s+/).includes(cls));
}

/** The one element of class `cls` below node. */
export function one(node: XmlNode, cls: string): XmlNode {
  const found = byClass(node, cls);
  expect(found, `one .${cls}`).toHaveLength(1);
  return found[0];
}

/** All the text inside, children included. */
export function textOf(node: XmlNode): string {
  return node.text + node.children.filter((c) => c.tag !== "title").map(textOf).join("");
}

/** The number a picture shows, to its 4 significant digits, agrees with the exact value. */
export function agrees(shown: string, exact: number): boolean {
  const v = Number(shown);
  if (!Number.isFinite(v)) return false;
  return Number(exact.toPrecision(4)) === v || Math.abs(v - exact) <= 5e-4 * Math.abs(exact);
}

/** The numbers of a tensor block (class number), by index "i,j", as the picture shows them. */
export function shownNumbers(block: XmlNode): Map<string, string> {
  return new Map(byClass(block, "number").map((n) => [n.attrs["data-index"], textOf(n).trim()]));
}

/** The statistics of a summary block, as shown: mean, std, min, max. */
export function shownStats(block: XmlNode): Record<string, string> {
  return Object.fromEntries(byClass(block, "stat").map((s) => [s.attrs["data-stat"], textOf(s).replace(/^\w+ /, "")]));
}
