import {describe, expect, test} from 'vitest'
import {aggregateMatrix, heatmapView, serviceMatrix} from '@fm/report'
import {newDocument} from './helpers/fixtures.js'
import {syntheticMatrix} from '@fm/test-helpers'

const legendTitle = (svg: SVGSVGElement): string | null | undefined => svg.querySelector('.legend text')?.textContent

describe('heatmapView', () => {
  test('colours by bytes when asked and flows gave traffic', () => {
    const sm = serviceMatrix(aggregateMatrix(syntheticMatrix({hosts: 20, seed: 2, traffic: true})), {groupBy: 'service'})
    const svg = heatmapView(newDocument(), sm, {metric: 'bytes'})
    expect(legendTitle(svg)).toBe('bytes per cell (log scale)')
    const values = [...svg.querySelectorAll('rect.cell')].map((c) => Number(c.getAttribute('data-v')))
    expect(values).toEqual(sm.cells.map((c) => c.bytes))
    expect(svg.querySelector('rect.cell title')?.textContent).toMatch(/ exchanged$/)
  })

  test('keeps colouring by connections when there is no traffic to colour by', () => {
    const sm = serviceMatrix(aggregateMatrix(syntheticMatrix({hosts: 20, seed: 2})), {groupBy: 'service'})
    const svg = heatmapView(newDocument(), sm, {metric: 'bytes'})
    expect(legendTitle(svg)).toBe('connections per cell (log scale)')
    expect([...svg.querySelectorAll('rect.cell')].map((c) => Number(c.getAttribute('data-v')))).toEqual(sm.cells.map((c) => c.connections))
  })

  test('darker means more: the busiest cell gets the darkest colour', () => {
    const sm = serviceMatrix(aggregateMatrix(syntheticMatrix({hosts: 20, seed: 2})), {groupBy: 'service'})
    const cells = [...heatmapView(newDocument(), sm).querySelectorAll('rect.cell')]
    const luminance = (hex: string): number => [1, 3, 5].reduce((t, i) => t + parseInt(hex.slice(i, i + 2), 16), 0)
    const busiest = cells.reduce((a, b) => (Number(b.getAttribute('data-v')) > Number(a.getAttribute('data-v')) ? b : a))
    const darkest = Math.min(...cells.map((c) => luminance(c.getAttribute('fill')!)))
    expect(luminance(busiest.getAttribute('fill')!)).toBe(darkest)
  })

  test('draws an empty grid with a legend for a matrix without entries', () => {
    const svg = heatmapView(newDocument(), serviceMatrix(aggregateMatrix({...syntheticMatrix({hosts: 0}), entries: []})))
    expect(svg.querySelectorAll('rect.cell')).toHaveLength(0)
    expect(legendTitle(svg)).toBe('connections per cell (log scale)')
  })
})
