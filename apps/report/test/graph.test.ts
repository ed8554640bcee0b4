import {describe, expect, test} from 'vitest'
import {aggregateMatrix, graphDot, graphView} from '@fm/report'
import {newDocument} from './helpers/fixtures.js'
import {syntheticMatrix} from '@fm/test-helpers'

describe('graphView', () => {
  const hostile = `<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)" width="10pt"><!-- "&gt;&lt;b&gt; -->
<g id="node1" class="node"><title>a</title><a xlink:href="javascript:alert(2)" xlink:title="/bin/a" target="_blank"><text onclick="alert(3)" style="x">a</text></a></g>
<script>alert(4)</script><foreignObject><div>x</div></foreignObject><image href="http://example.com/x.png"/><use href="#node1"/></svg>`

  test('keeps what draws and drops scripts, handlers, links, external images and comments', () => {
    const svg = graphView(newDocument(), hostile)
    const markup = svg.outerHTML
    expect(markup).not.toMatch(/alert|onload|onclick|href|script|foreignObject|<image|<use|<!--|example\.com|style=|target=/)
    expect(svg.querySelector('#gv-node1 text')?.textContent).toBe('a')
    expect(svg.getAttribute('class')).toBe('fm-graph')
  })

  test('titles a node by what it shows and the executable behind it', () => {
    expect(graphView(newDocument(), hostile).querySelector('#gv-node1 > title')?.textContent).toBe('a — /bin/a')
  })

  test('rejects what is not SVG', () => {
    expect(() => graphView(newDocument(), '<html></html>')).toThrow(/does not parse/)
  })
})

describe('graphDot', () => {
  test('keeps the original host-clustered graph while it stays readable', () => {
    const g = graphDot(aggregateMatrix(syntheticMatrix({hosts: 3, seed: 1})))
    expect(g.level).toBe('process')
    expect(g.dot).toContain('subgraph cluster_0 {')
    expect(g.notes).toEqual([])
  })

  test('draws services past the limit, the busiest edges first, and says what it left out', () => {
    const g = graphDot(aggregateMatrix(syntheticMatrix({hosts: 500, seed: 1}), {maxNodes: 50}), {maxServices: 10, maxEdges: 20})
    expect(g.level).toBe('service')
    expect(g.dot).not.toContain('subgraph')
    // each edge is drawn through its label node: two halves
    expect(g.dot.match(/ -> /g)).toHaveLength(40)
    expect(g.dot.match(/class="edge-label"/g)).toHaveLength(20)
    expect(g.dot).toContain('"other (41 services)"')
    expect(g.notes).toEqual([
      expect.stringMatching(/^\d{1,3}(,\d{3})* processes do not fit a readable host-clustered graph \(at most 50\): drawn by service, summed over hosts\.$/),
      '41 quieter services are folded into “other (41 services)”.',
      expect.stringMatching(/^\d+ quieter edges are left out \(the busiest 20 are drawn\)\.$/),
    ])
  })
})
