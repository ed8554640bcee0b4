import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {JSDOM} from 'jsdom'
import {afterAll, describe, expect, test} from 'vitest'
import {analyze} from '@fm/analyze'
import {entrySelector, parseCsv, parseGroups, type GroupRow} from '@fm/baseline'
import {reportAggregator, reportHtml, type ReportData, type ReportLimits} from '@fm/report'
import {writeDeployment} from '@fm/gen'

// The report at group × service level against the generator's ground truth: its rows between
// groups are exactly the truth's rows summed by the rules of the groups file, which this test
// writes again by hand for each case (first matching rule wins; else the host / process name).
const dir = mkdtempSync(join(tmpdir(), 'fm-group-level-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const gen = writeDeployment({hosts: 60, seed: 11}, join(dir, 'gen'))
const [header, ...truthLines] = readFileSync(join(dir, 'gen', 'matrix.csv'), 'utf8').split('\r\n').filter(Boolean)
const col = Object.fromEntries(header.split(',').map((h, i) => [h, i]))
const truth = truthLines.map((line) => parseCsv(line + '\r\n')[0].map((c) => c.value))

interface Case {
  name: string
  yaml: string[]
  group: (host: string, ip: string) => string | null
  service: (path: string, name: string) => string
}

const plain = (_path: string, name: string): string => name
const CASES: Case[] = [
  {
    name: 'controllers and computes by host name, services renamed',
    yaml: ['hosts:', '  - {group: controllers, host: "ctrl-*"}', '  - {group: computes, host: "cmp-*"}', 'services:', '  - {service: rabbitmq, process: "*/beam.smp"}', '  - {service: nova, name: "nova-*"}'],
    group: (h) => (h.startsWith('ctrl-') ? 'controllers' : h.startsWith('cmp-') ? 'computes' : null),
    service: (p, n) => (p.endsWith('/beam.smp') ? 'rabbitmq' : n.startsWith('nova-') ? 'nova' : n),
  },
  {
    name: 'computes by address: their loopback, bridge and IPv6 ends stay themselves',
    yaml: ['hosts:', '  - {group: controllers, host: "ctrl-*"}', '  - {group: computes, address: 10.1.0.0/16}'],
    group: (h, ip) => (h.startsWith('ctrl-') ? 'controllers' : /^10\.1\.\d+\.\d+$/.test(ip) ? 'computes' : null),
    service: plain,
  },
  {
    name: 'only some computes named: the rest alone',
    yaml: ['hosts:', '  - {group: early, host: "cmp-0000?"}', '  - {group: controllers, host: "ctrl-*"}'],
    group: (h) => (/^cmp-0000\d$/.test(h) ? 'early' : h.startsWith('ctrl-') ? 'controllers' : null),
    service: plain,
  },
  {
    name: 'service rules only: every host alone',
    yaml: ['services:', '  - {service: ovn, name: ["ovn-*", "ovsdb-server"]}'],
    group: () => null,
    service: (_p, n) => (n.startsWith('ovn-') || n === 'ovsdb-server' ? 'ovn' : n),
  },
]

async function reportWith(c: Case, limits: Partial<ReportLimits> = {}): Promise<ReportData> {
  const file = join(dir, `${CASES.indexOf(c)}.yaml`)
  const groups = parseGroups(['version: 1', ...c.yaml, ''].join('\n'), file)
  const sel = entrySelector({groups})
  const agg = reportAggregator(limits, {groups: sel.names})
  await analyze({inputs: [gen.dump], evidenceLimit: 0, lists: false, select: sel.select, onHead: agg.onHead, onEntry: agg.onEntry, onUnmatched: agg.onUnmatched, onAmbiguity: agg.onAmbiguity})
  return agg.result()
}

/** The truth's rows summed into group tuples: tuple → matrix rows. */
function expected(c: Case, alone: (host: string) => string): Map<string, number> {
  const want = new Map<string, number>()
  for (const f of truth) {
    const sg = c.group(f[col.server], f[col.server_ip]) ?? alone(f[col.server])
    const cg = c.group(f[col.client], f[col.client_ip]) ?? alone(f[col.client])
    const key = JSON.stringify([f[col.protocol], sg, c.service(f[col.server_proc], f[col.server_procname]), Number(f[col.port]), cg, c.service(f[col.client_proc], f[col.client_procname])])
    want.set(key, (want.get(key) ?? 0) + 1)
  }
  return want
}

const got = (rows: GroupRow[]): Map<string, number> => new Map(rows.map((r) => [JSON.stringify([r.protocol, r.serverGroup, r.serverService, r.port, r.clientGroup, r.clientService]), r.entries]))

describe('the report at group × service level', {timeout: 120_000}, () => {
  test('the deployment has the rows these cases sum', () => {
    expect(truth.length).toBe(gen.summary.entries)
    expect(truth.length).toBeGreaterThan(300)
  })

  test.for(CASES)('$name: its group rows are the truth\'s rows summed by the same rules, hosts in no group as themselves', async (c) => {
    const data = await reportWith(c, {maxNodes: 100_000})
    expect(data.groups!.rows).not.toBeNull()
    expect(got(data.groups!.rows!)).toEqual(expected(c, (h) => h))
  })

  test.for(CASES)('$name: pooled, every host in no group is one unit', async (c) => {
    const data = await reportWith(c, {maxNodes: 100_000})
    const ALONE = '\u0000alone'
    expect(got(data.groups!.pooledRows!)).toEqual(expected(c, () => ALONE))
  })

  test.for(CASES)('$name: hosts counted as grouped, alone, or named at some ends only', async (c) => {
    const flags = new Map<string, number>()
    for (const f of truth) {
      for (const [h, ip] of [[f[col.server], f[col.server_ip]], [f[col.client], f[col.client_ip]]]) flags.set(h, (flags.get(h) ?? 0) | (c.group(h, ip) === null ? 2 : 1))
    }
    const count = (v: number): number => [...flags.values()].filter((x) => x === v).length
    const g = (await reportWith(c)).groups!
    expect({grouped: g.hostsGrouped, alone: g.hostsAlone, mixed: g.hostsMixed}).toEqual({grouped: count(1), alone: count(2), mixed: count(3)})
  })

  test('with the default limits the many hosts of no group are pooled in the views, and the page says how many hosts are where', async () => {
    const c = CASES[2]
    const data = await reportWith(c)
    const g = data.groups!
    // 50-odd computes alone, a few services each: past 120 nodes as themselves
    expect(g.rows).toBeNull()
    expect(g.pooledRows).not.toBeNull()
    expect(data.processGrid).toBeNull()
    const {document} = new JSDOM(await reportHtml(data)).window
    expect(document.querySelector('#groups-note')?.textContent).toBe(
      `Groups (--groups): of the ${g.hostsGrouped + g.hostsAlone + g.hostsMixed} hosts at either end of a connection, ${g.hostsGrouped} hosts in 2 groups, ${g.hostsAlone} alone (no rule names them: each stays itself).`,
    )
    expect(document.querySelector('#graph h2')?.textContent).toBe('Groups, services and connections')
    const clusters = [...document.querySelectorAll('svg.fm-graph g.cluster > text')].map((t) => t.textContent)
    expect(clusters).toContain(`no group (${g.hostsAlone + g.hostsMixed})`)
    expect(clusters).toEqual(expect.arrayContaining(['controllers', 'early']))
    expect(document.querySelector('#graph .note')?.textContent).toMatch(/hosts no rule names \(at some end\) would pass 120 nodes as themselves: they are drawn together as “no group”\.$/)
    // the heatmap: ~50 units of groups and lone hosts fit its 60 rows, so lone hosts stay themselves there
    const rowsShown = [...document.querySelectorAll('svg.fm-matrix .row-label')].map((t) => t.lastChild?.textContent)
    expect(rowsShown).toEqual(expect.arrayContaining(['controllers', 'early', 'cmp-00042']))
    expect(rowsShown).not.toContain('cmp-00003')
    expect(document.querySelector('#chord h2')?.textContent).toBe('Services of groups')
    // the host index stays per host, with each host's group
    const row = (host: string): string[] => [...document.querySelectorAll(`#host-index tbody tr`)].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')).find((r) => r[0] === host)!
    expect(row('cmp-00003').slice(0, 2)).toEqual(['cmp-00003', 'early'])
    expect(row('cmp-00042').slice(0, 2)).toEqual(['cmp-00042', '—'])
  })

  test('with every host grouped and few services, the views are at group × service level, hosts never drawn', async () => {
    const data = await reportWith(CASES[0])
    const {document} = new JSDOM(await reportHtml(data)).window
    const labels = [...document.querySelectorAll('svg.fm-graph g.cluster > text')].map((t) => t.textContent).sort()
    expect(labels).toEqual(['computes', 'controllers'])
    const nodes = [...document.querySelectorAll('svg.fm-graph g.node:not(.edge-label) text')].map((t) => t.textContent)
    expect(nodes).toContain('rabbitmq')
    expect(nodes.some((n) => n?.startsWith('cmp-') || n?.startsWith('ctrl-'))).toBe(false)
    const bands = new Set([...document.querySelectorAll('svg.fm-matrix .group-label')].map((t) => t.lastChild?.textContent))
    expect(bands).toEqual(new Set(['computes', 'controllers']))
  })
})
