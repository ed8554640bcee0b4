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
  const titleOf = (g: Element): Element | undefined => [...g.children].find((c) => c.localName === 'title')
  const labelOf = (g: Element): string => [...g.querySelectorAll('text')].map((t) => t.textContent ?? '').join(' ')
  const nodeLabels = new Map([...root.querySelectorAll('g.node')].map((g) => [titleOf(g)?.textContent ?? '', labelOf(g)]))
  for (const g of root.querySelectorAll('g.node, g.edge, g.cluster')) {
    const title = titleOf(g)
    if (!title) continue
    const label = labelOf(g)
    if (g.getAttribute('class') === 'edge') {
      const ends = edgeEnds(title.textContent ?? '', nodeLabels)
      title.textContent = ends ? `${ends[0]} → ${ends[1]}: ${label}` : label
      continue
    }
    const path = [...g.querySelectorAll('a')].map((a) => a.getAttributeNS(XLINK, 'title')).find(Boolean)
    title.textContent = path && path !== label ? `${label} — ${path}` : label
  }
  const svg = document.importNode(root, true) as unknown as SVGSVGElement
  svg.setAttribute('class', 'fm-graph')
  svg.setAttribute('role', 'img')
  return svg
}

/** Graphviz titles an edge `tail->head` by node names; names may hold "->" too, so match them against the known nodes. */
function edgeEnds(title: string, nodes: Map<string, string>): [string, string] | null {
  for (const [name, label] of nodes) {
    if (!title.startsWith(`${name}->`)) continue
    const head = nodes.get(title.slice(name.length + 2))
    if (head !== undefined) return [label, head]
  }
  return null
}
