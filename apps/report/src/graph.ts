import {xmlSafe} from './dom.js'

const XLINK = 'http://www.w3.org/1999/xlink'

/**
 * Imports Graphviz's SVG output into `document` as an element, keeping only what draws:
 * no comments, no scripts or foreign content, no event handler or link attributes, ids
 * prefixed so they cannot clash with the page's own.
 */
export function graphView(document: Document, svgText: string): SVGSVGElement {
  const Parser = document.defaultView?.DOMParser
  if (!Parser) throw new TypeError('graphView needs a document with a window (DOMParser)')
  // Graphviz passes through characters XML forbids (U+FFFE, lone surrogates): replace them so the SVG parses.
  const parsed = new Parser().parseFromString(xmlSafe(svgText), 'image/svg+xml')
  const root = parsed.documentElement
  if (root.localName !== 'svg' || parsed.getElementsByTagName('parsererror').length) throw new Error('Graphviz returned SVG that does not parse')
  const walker = parsed.createTreeWalker(root, 0x80 /* SHOW_COMMENT */)
  const comments: Node[] = []
  while (walker.nextNode()) comments.push(walker.currentNode)
  for (const c of comments) c.parentNode?.removeChild(c)
  for (const bad of [...root.querySelectorAll('script, foreignObject, image, use, style')]) bad.remove()
  for (const el of [root, ...root.querySelectorAll('*')]) {
    for (const a of [...el.attributes]) {
      const name = a.localName.toLowerCase()
      if (name.startsWith('on') || name === 'href' || name === 'target' || name === 'style' || (a.namespaceURI === XLINK && name !== 'title')) el.removeAttributeNode(a)
    }
    if (el.id) el.id = `gv-${el.id}`
  }
  // Graphviz titles nodes and edges by their dot ids (opaque keys); show what they draw instead.
  for (const g of root.querySelectorAll('g.node, g.edge, g.cluster')) {
    const title = [...g.children].find((c) => c.localName === 'title')
    if (!title) continue
    const label = [...g.querySelectorAll('text')].map((t) => t.textContent ?? '').join(' ')
    const path = [...g.querySelectorAll('a')].map((a) => a.getAttributeNS(XLINK, 'title')).find(Boolean)
    title.textContent = path && path !== label ? `${label} — ${path}` : label
  }
  const svg = document.importNode(root, true) as unknown as SVGSVGElement
  svg.setAttribute('class', 'fm-graph')
  svg.setAttribute('role', 'img')
  return svg
}
