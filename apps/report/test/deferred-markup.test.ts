import {JSDOM} from 'jsdom'
import {describe, expect, test} from 'vitest'
import {appendAll, deferMarkup} from '@fm/report'

const page = (defer: boolean): string => {
  const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>')
  const document = dom.window.document
  const deferral = defer ? deferMarkup(document) : null
  const table = document.createElement('table')
  const body = document.createElement('tbody')
  table.append(body)
  // a cell whose text and attribute look like a marker without its nonce, and a `$&` pattern
  const rows = ['a', '<!--fm-part-0-0-->', '$& $1 $$', 'd'].map((text) => {
    const tr = document.createElement('tr')
    const td = document.createElement('td')
    td.setAttribute('title', `<!--fm-part-${text}-->`)
    td.textContent = text
    tr.append(td)
    return tr
  })
  appendAll(document, body, rows)
  const empty = document.createElement('tbody')
  appendAll(document, empty, [])
  table.append(empty)
  document.body.append(deferral ? deferral.hold(table) : table, document.createElement('footer'))
  return deferral ? deferral.fill(dom.serialize()) : dom.serialize()
}

describe('deferMarkup', () => {
  test('gives the page the DOM would have given, rows held inside a held table included', () => {
    expect(page(true)).toBe(page(false))
    expect(page(true)).toContain('>&lt;!--fm-part-0-0--&gt;</td>')
    expect(page(true)).toContain('>$&amp; $1 $$</td>')
  })

  test('leaves no marker behind and draws nothing twice', () => {
    const html = page(true)
    expect(html).not.toMatch(/fm-part-[0-9a-f]{32}/)
    expect(html.match(/<tr>/g)).toHaveLength(4)
  })
})
