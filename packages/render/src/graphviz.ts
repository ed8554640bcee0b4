import type {Graphviz} from '@hpcc-js/wasm-graphviz'

export type GraphvizEngine = 'dot' | 'circo' | 'neato'
export const GRAPHVIZ_ENGINES: readonly GraphvizEngine[] = ['dot', 'circo', 'neato']

export interface RenderDotOptions {
  engine?: GraphvizEngine
  /** Default font of the graph, nodes and edges (Graphviz's own default is Times). */
  fontname?: string
}

// Compiling the wasm takes ~100 ms: do it once per process.
let loading: Promise<Graphviz> | undefined

/**
 * Lays out dot source with Graphviz compiled to wasm (no binary, no display) and returns SVG,
 * or PNG bytes rasterised by resvg (a prebuilt binary shipped in its npm package).
 * Example: `await renderDot('digraph { a -> b }', {engine: 'circo', format: 'svg'})`
 */
export async function renderDot(dot: string, opts: RenderDotOptions & {format?: 'svg'}): Promise<string>
export async function renderDot(dot: string, opts: RenderDotOptions & {format: 'png'}): Promise<Uint8Array>
export async function renderDot(dot: string, opts: RenderDotOptions & {format?: 'svg' | 'png'} = {}): Promise<string | Uint8Array> {
  const engine = opts.engine ?? 'dot'
  if (!GRAPHVIZ_ENGINES.includes(engine)) throw new RangeError(`unknown Graphviz engine ${engine}`)
  // Loaded on first use: the wasm build is megabytes of JS that commands without a graph never need.
  loading ??= import('@hpcc-js/wasm-graphviz').then((m) => m.Graphviz.load())
  const svg = (await loading).layout(opts.fontname ? withDefaultFont(dot, opts.fontname) : dot, 'svg', engine)
  if (opts.format !== 'png') return svg
  // The SVG carries its own size in points; render at 1.5x for a legible picture, white behind it.
  const {Resvg} = await import('@resvg/resvg-js')
  const png = new Resvg(svg, {
    background: 'white',
    fitTo: {mode: 'zoom', value: 1.5},
    // Liberation fonts share Helvetica's and Times' metrics, which Graphviz sized the labels with.
    font: {loadSystemFonts: true, defaultFontFamily: 'Liberation Sans', sansSerifFamily: 'Liberation Sans', serifFamily: 'Liberation Serif'},
  }).render()
  return new Uint8Array(png.asPng())
}

/**
 * Lets go of the compiled Graphviz (~35 MB of wasm memory and code), for a caller that lays out
 * its one graph and then needs the memory: V8 frees it at a later collection, not at once. The
 * next renderDot compiles it again.
 */
export async function releaseGraphviz(): Promise<void> {
  if (!loading) return
  loading = undefined
  ;(await import('@hpcc-js/wasm-graphviz')).Graphviz.unload()
}

/** Adds default font attributes right after the opening brace of the graph (later attributes still win). */
function withDefaultFont(dot: string, font: string): string {
  const name = JSON.stringify(font)
  return dot.replace(/^(\s*(?:strict\s+)?(?:di)?graph\b[^{"]*\{)/i, `$1 graph [fontname=${name}]; node [fontname=${name}]; edge [fontname=${name}];`)
}
