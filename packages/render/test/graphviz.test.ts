import {describe, expect, test} from 'vitest'
import {GRAPHVIZ_ENGINES, releaseGraphviz, renderDot} from '@fm/render'

const dot = `digraph fm {
  subgraph "cluster_0" { label="agent-1"; "a" [label="<script>alert(1)</script>"]; "b" [label="nginx"]; }
  "a" -> "b" [label="TCP : 10.0.0.1:80"];
}`

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

describe('renderDot', () => {
  test.for(GRAPHVIZ_ENGINES)('lays out a clustered graph as SVG with the %s engine', async (engine) => {
    const svg = await renderDot(dot, {engine, format: 'svg'})
    expect(svg).toMatch(/<svg[^>]*width="\d+pt"/)
    expect(svg).toContain('TCP : 10.0.0.1:80')
    expect(svg).toContain('nginx')
  })

  test.for(GRAPHVIZ_ENGINES)('rasterises the %s layout to a PNG without any display', async (engine) => {
    const png = await renderDot(dot, {engine, format: 'png'})
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE)
    const view = new DataView(png.buffer, png.byteOffset)
    expect(view.getUint32(16)).toBeGreaterThan(50) // IHDR width
    expect(view.getUint32(20)).toBeGreaterThan(50) // IHDR height
  })

  test('escapes markup in labels, so a hostile process name stays text in the SVG', async () => {
    const svg = await renderDot(dot, {format: 'svg'})
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  test('lays out the same after Graphviz was let go (compiled again on next use)', async () => {
    const before = await renderDot(dot, {format: 'svg'})
    await releaseGraphviz()
    await releaseGraphviz() // nothing loaded: nothing to do
    expect(await renderDot(dot, {format: 'svg'})).toBe(before)
  })

  test('sets a default font for the graph, its nodes and edges when asked', async () => {
    expect(await renderDot(dot, {fontname: 'Helvetica'})).toMatch(/font-family="Helvetica/)
    expect(await renderDot(dot, {})).toMatch(/font-family="Times/)
  })

  test('rejects an engine it does not offer', async () => {
    await expect(renderDot(dot, {engine: 'sfdp' as never})).rejects.toThrow(/unknown Graphviz engine sfdp/)
  })
})
