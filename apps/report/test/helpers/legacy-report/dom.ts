export const SVG_NS = 'http://www.w3.org/2000/svg'

type Attrs = Record<string, string | number | boolean | null | undefined>
type Child = Node | string | null | undefined | false

/**
 * Creates an HTML element. Attributes go through setAttribute and strings become text nodes,
 * so no value, however hostile, is ever parsed as markup.
 */
export function h(document: Document, tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElement {
  return fill(document, document.createElement(tag), attrs, children)
}

/** Creates an SVG element, with the same guarantees as `h`. */
export function s(document: Document, tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): SVGElement {
  return fill(document, document.createElementNS(SVG_NS, tag) as SVGElement, attrs, children)
}

// Characters XML forbids (controls, U+FFFE/FFFF, lone surrogates) would make the SVG unreadable.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/** Replaces the characters XML forbids with U+FFFD, so any dump string can go into SVG. */
export function xmlSafe(text: string): string {
  return text.replace(NOT_XML, '\uFFFD')
}

function fill<E extends Element>(document: Document, node: E, attrs: Attrs, children: (Child | Child[])[]): E {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue
    node.setAttribute(k, v === true ? '' : xmlSafe(String(v)))
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue
    node.appendChild(typeof c === 'string' ? document.createTextNode(xmlSafe(c)) : c)
  }
  return node
}

/** Rounds at the source so output is stable and small: `round(1.26, 1)` is 1.3. */
export function round(x: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** Cuts a label to `max` characters with an ellipsis; the full text belongs in a `<title>`. */
export function truncate(text: string, max: number): string {
  const chars = [...text]
  return chars.length <= max ? text : chars.slice(0, Math.max(1, max - 1)).join('') + '…'
}

/** A stable, attribute-safe id from data (FNV-1a, 32 bits): the same input gives the same id in every run. */
export function stableId(prefix: string, key: string): string {
  let x = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    x ^= key.charCodeAt(i)
    x = Math.imul(x, 0x01000193) >>> 0
  }
  return `${prefix}-${x.toString(36)}`
}

/** Thousands separators, fixed locale so output does not depend on the machine. */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** Bytes in binary units, one decimal: `fmtBytes(1536)` is `1.5 KiB`. */
export function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++
  return i === 0 ? `${Math.round(n)} B` : `${round(n, 1)} ${units[i]}`
}
