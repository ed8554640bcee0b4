import {describe, expect, test} from 'vitest'
import {renderDot} from '@fm/render'
import {chordView, graphDot, graphView, heatmapView, serviceMatrix} from '@fm/report'
import {fixture, goldenSvg, newDocument, reportOf} from './helpers/fixtures.js'

// One folder per case: the dump it is drawn from and the expected SVG of each view.
const cases = [
  {name: 'two-agents', dump: 'skydive/two-agents.json'},
  {name: 'hostile', dump: 'report/hostile/dump.json'},
]

describe.each(cases)('the views of $name match their golden SVG', ({name, dump}) => {
  test('the heatmap grouped by host', async () => {
    const svg = heatmapView(newDocument(), serviceMatrix(await reportOf(dump), {groupBy: 'host'}))
    await expect(goldenSvg(svg)).toMatchFileSnapshot(fixture(`report/${name}/matrix.svg`))
  })

  test('the heatmap grouped by service', async () => {
    const svg = heatmapView(newDocument(), serviceMatrix(await reportOf(dump), {groupBy: 'service'}))
    await expect(goldenSvg(svg)).toMatchFileSnapshot(fixture(`report/${name}/matrix-by-service.svg`))
  })

  test('the chord diagram', async () => {
    const svg = chordView(newDocument(), await reportOf(dump))
    await expect(goldenSvg(svg)).toMatchFileSnapshot(fixture(`report/${name}/chord.svg`))
  })

  test('the host-clustered graph laid out by Graphviz', async () => {
    const {dot} = graphDot(await reportOf(dump))
    const svg = graphView(newDocument(), await renderDot(dot, {engine: 'dot', fontname: 'Helvetica'}))
    await expect(goldenSvg(svg)).toMatchFileSnapshot(fixture(`report/${name}/graph.svg`))
  })
})

describe('the views of the real two-agent dump', () => {
  test('the heatmap has one cell per client process × server process pair that talks', async () => {
    const svg = heatmapView(newDocument(), serviceMatrix(await reportOf('skydive/two-agents.json')))
    // chrome → node, chrome → skydive, skydive → skydive, on each of the two agents
    expect(svg.querySelectorAll('rect.cell')).toHaveLength(6)
    expect([...svg.querySelectorAll('.row-label')].map((t) => t.lastChild?.textContent)).toEqual(['chrome', 'skydive', 'chrome', 'skydive'])
  })

  test('the chord diagram has one arc per service and one ribbon per service pair', async () => {
    const svg = chordView(newDocument(), await reportOf('skydive/two-agents.json'))
    expect([...svg.querySelectorAll('.group text')].map((t) => t.textContent)).toEqual(['chrome', 'node', 'skydive'])
    expect(svg.querySelectorAll('.ribbon')).toHaveLength(3)
  })

  test('the graph has a cluster per host and a node per process', async () => {
    const {dot, level} = graphDot(await reportOf('skydive/two-agents.json'))
    const svg = graphView(newDocument(), await renderDot(dot, {}))
    expect(level).toBe('process')
    expect(svg.querySelectorAll('g.cluster')).toHaveLength(2)
    expect(svg.querySelectorAll('g.node:not(.edge-label)')).toHaveLength(6)
    // each of the 10 edges is drawn through a node carrying its label: two halves each
    expect(svg.querySelectorAll('g.node.edge-label')).toHaveLength(10)
    expect(svg.querySelectorAll('g.edge')).toHaveLength(20)
  })
})
