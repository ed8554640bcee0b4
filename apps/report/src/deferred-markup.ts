import {randomBytes} from 'node:crypto'

/** Markup serialised ahead of the page, each piece held in the DOM by a comment until the page is written out. */
export interface Deferral {
  /** Serialises `el` now (HTML serialisation) and gives the comment that holds its place. */
  hold(el: Element): Comment
  /** Serialises `children` one at a time, so at most one of them exists as DOM, and appends the comment that holds their place to `parent`. */
  appendAll(parent: Element, children: Iterable<Element>): void
  /** The serialised page with every held piece in its place. */
  fill(html: string): string
}

const deferrals = new WeakMap<Document, Deferral>()

/**
 * Lets the report's large parts (tables of a thousand rows, grids of thousands of cells: tens of
 * MB as jsdom nodes) be serialised as they are built, so the page never holds them all as DOM.
 * The markers carry a random nonce, so no string from a dump can stand for one.
 */
export function deferMarkup(document: Document): Deferral {
  const nonce = randomBytes(16).toString('hex')
  const parts: string[] = []
  const marker = (i: number): string => `fm-part-${nonce}-${i}`
  const d: Deferral = {
    hold: (el) => document.createComment(marker(parts.push(el.outerHTML) - 1)),
    appendAll(parent, children) {
      const chunks: string[] = []
      for (const c of children) chunks.push(c.outerHTML)
      parent.append(document.createComment(marker(parts.push(chunks.join('')) - 1)))
    },
    fill(html) {
      // One pass, each marker replaced by its piece with the pieces held inside it (rows inside
      // their table) filled in turn: the page is built once, not once per piece (each copy of a
      // page of megabytes sits in V8's large-object space until a full collection). A function
      // replacement, so no `$` in a piece is read as a pattern.
      const pattern = `<!--fm-part-${nonce}-(\\d+)-->`
      const used = new Set<number>()
      const expand = (text: string): string =>
        text.replace(new RegExp(pattern, 'g'), (_, n: string) => {
          const i = Number(n)
          if (used.has(i)) throw new Error(`deferMarkup: piece ${i} has two places`)
          used.add(i)
          return expand(parts[i])
        })
      const page = expand(html)
      for (let i = 0; i < parts.length; i++) if (!used.has(i)) throw new Error(`deferMarkup: piece ${i} lost its place`)
      return page
    },
  }
  deferrals.set(document, d)
  return d
}

/**
 * Appends `children` to `parent`: serialised one at a time behind a marker when the document's
 * page defers its markup (see deferMarkup), else as DOM nodes (tests, standalone SVG).
 */
export function appendAll(document: Document, parent: Element, children: Iterable<Element>): void {
  const d = deferrals.get(document)
  if (d) d.appendAll(parent, children)
  else for (const c of children) parent.append(c)
}
