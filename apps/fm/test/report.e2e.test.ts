import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {runFm} from './helpers/run-command.js'

// Runs the built binary (`npx tsc -b` first; `npm test` builds before testing).
const dir = mkdtempSync(join(tmpdir(), 'fm-report-e2e-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

// No display of any kind: the original's render needed a desktop, fm's must not.
const HEADLESS = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY'].includes(k)))
const PNG_SIGNATURE = '89504e470d0a1a0a'

// Each test starts the binary once or twice; leave room for a busy machine.
describe('the built fm report', {timeout: 180_000}, () => {
  test('writes the HTML report and says where', () => {
    const out = join(dir, 'report.html')
    const r = runFm(['report', 'fixtures/skydive/two-agents.json', '--out', out])
    expect([r.status, r.stderr]).toEqual([0, ''])
    expect(r.stdout).toMatch(/^wrote .*report\.html \(html, \d+\.\d KiB\)\n$/)
    expect(readFileSync(out, 'utf8')).toContain('<svg class="fm-matrix"')
  })

  test('--json prints the typed result only', () => {
    const out = join(dir, 'json.html')
    const r = runFm(['report', 'fixtures/skydive/two-agents.json', '--out', out, '--json'])
    expect(JSON.parse(r.stdout)).toEqual({out, format: 'html', bytes: readFileSync(out).byteLength, hosts: 2, entries: 12})
  })

  test.for(['dot', 'circo', 'neato'])('--format render --engine %s draws the graph as SVG and PNG without a display', (engine) => {
    const svg = join(dir, `graph-${engine}.svg`)
    const png = join(dir, `graph-${engine}.png`)
    for (const out of [svg, png]) {
      const r = runFm(['report', 'fixtures/skydive/two-agents.json', '--format', 'render', '--engine', engine, '--out', out], {env: HEADLESS})
      // only dot draws clusters of hosts: the other engines say so, in one line
      const note = engine === 'dot' ? '' : `note: ${engine} lays nodes out freely and keeps no clusters of hosts apart: none is drawn, and each node names its host (or group) on a second line instead.\n`
      expect([r.status, r.stderr]).toEqual([0, note])
    }
    expect(readFileSync(svg, 'utf8')).toMatch(/<svg width="\d+pt" height="\d+pt"/)
    expect(readFileSync(svg, 'utf8')).toContain('TCP : 192.168.50.254:12379 (12)')
    const bytes = readFileSync(png)
    expect(bytes.subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE)
    expect(bytes.readUInt32BE(16)).toBeGreaterThan(200) // width
  })
})

describe('fm report with flows', {timeout: 180_000}, () => {
  test('--use-flows --color-by bytes colours the matrix by traffic', async () => {
    const {writeFileSync} = await import('node:fs')
    const {generateDeployment} = await import('@fm/gen')
    const d = generateDeployment({hosts: 12, seed: 3, flows: true})
    const dump = join(dir, 'gen.json')
    const flows = join(dir, 'gen-flows.json')
    writeFileSync(dump, [...d.dump()].join(''))
    writeFileSync(flows, [...d.flows()].join(''))
    const out = join(dir, 'bytes.svg')
    const r = runFm(['report', dump, flows, '--use-flows', '--color-by', 'bytes', '--format', 'svg', '--out', out])
    expect([r.status, r.stderr]).toEqual([0, ''])
    expect(readFileSync(out, 'utf8')).toContain('colour by bytes')
    const plain = join(dir, 'conn.svg')
    expect(runFm(['report', dump, '--color-by', 'bytes', '--format', 'svg', '--out', plain]).status).toBe(0)
    // without flows there are no bytes: it falls back to connections
    expect(readFileSync(plain, 'utf8')).toContain('colour by connections')
  })
})
