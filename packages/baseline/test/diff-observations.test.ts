import {describe, expect, test} from 'vitest'
import {cmp, type MatrixEntry} from '@fm/model'
import {diffEdges, diffObservations, edgeLabel, EdgeGrouper, formatDiff, type EdgeFold, type EdgeRowSpill, type Level} from '../src/index.js'
import {entry, observation} from '@fm/test-helpers'

const A = observation([
  entry('TCP web@h1:10.0.0.1 -> db@h2:10.0.0.2:5432', [1], 4),
  entry('TCP web@h1:10.0.0.1 -> cache@h1:127.0.0.1:6379'),
  entry('TCP cron@h1:10.0.0.1 -> api@h4:10.0.0.4:8443'),
  entry('UDP chronyd@h1:10.0.0.1 -> ntpd@ntp:10.9.9.9:123'),
])

describe('diffObservations', () => {
  test('identical observations: no difference', () => {
    const d = diffObservations(A, A)
    expect(d).toMatchObject({different: false, added: [], removed: [], changed: [], unchanged: 4})
  })

  test('finds new, gone and changed edges, and what changed', () => {
    const b = observation([
      entry('TCP web@h1:10.0.0.1 -> db@h2:10.0.0.2:5432', [1], 6),
      {...entry('TCP web@h1:10.0.0.1 -> cache@h1:127.0.0.1:6379'), server: {host: 'h1', ip: '127.0.0.1', port: 6379, process: '/opt/cache/bin/cache', name: 'cache'}},
      entry('TCP cron@h1:10.0.0.1 -> api@h4:10.0.0.4:8443'),
      entry('TCP cron@h1:10.0.0.1 -> api@h4:10.0.0.4:9443'),
      entry('TCP web@h1:10.0.0.1 -> queue@h5:10.0.0.5:5672'),
    ])
    const d = diffObservations(A, b)
    expect(d.added.map(edgeLabel)).toEqual(['web → queue TCP/5672'])
    expect(d.removed.map(edgeLabel)).toEqual(['chronyd → ntpd UDP/123'])
    expect(d.changed.map((c) => [edgeLabel(c.after), c.changes])).toEqual([
      ['cron → api TCP/8443,9443', [{field: 'connections', before: '1', after: '2'}, {field: 'ports', before: '8443', after: '8443, 9443'}]],
      ['web → cache TCP/6379', [{field: 'serverPaths', before: '/usr/sbin/cache', after: '/opt/cache/bin/cache'}]],
      ['web → db TCP/5432', [{field: 'connections', before: '4', after: '6'}]],
    ])
    expect(d.unchanged).toBe(0)
    expect(formatDiff(d, 'table')).toBe(
      [
        '+ web → queue TCP/5672  (1 connection, seen in 1 snapshot)',
        '- chronyd → ntpd UDP/123  (1 connection, seen in 1 snapshot)',
        '~ cron → api TCP/8443,9443  connections 1 → 2; ports 8443 → 8443, 9443',
        '~ web → cache TCP/6379  server path /usr/sbin/cache → /opt/cache/bin/cache',
        '~ web → db TCP/5432  connections 4 → 6',
        '1 new, 1 gone, 3 changed, 0 unchanged (service level)',
        '',
      ].join('\n'),
    )
  })

  test('at host level a service moving to another host is one edge gone and one new', () => {
    const b = observation([...A.entries.slice(1), entry('TCP web@h1:10.0.0.1 -> db@h3:10.0.0.3:5432', [1], 4)])
    expect(diffObservations(A, b).different).toBe(false)
    const d = diffObservations(A, b, {level: 'host'})
    expect([d.added.map(edgeLabel), d.removed.map(edgeLabel)]).toEqual([['web@h1 → db@h3 TCP/5432'], ['web@h1 → db@h2 TCP/5432']])
  })

  test('connection counts are not compared when one side is a plain matrix CSV', () => {
    const csv = {...A, captures: [{...A.captures[0], format: 'matrix-csv'}], entries: A.entries.map((e) => ({...e, connections: 1}))}
    const d = diffObservations(A, csv)
    expect(d).toMatchObject({different: false, countsCompared: false})
    expect(formatDiff(d, 'table')).toContain('connection counts not compared')
  })

  test('markdown escapes hostile names so they stay text', () => {
    const b = observation([...A.entries, {...entry('TCP x@h1:10.0.0.1 -> y@h2:10.0.0.2:80'), client: {host: 'h1', ip: '10.0.0.1', process: '', name: '<img src=x>|*a*'}}])
    const md = formatDiff(diffObservations(A, b), 'markdown')
    expect(md).toContain('| new | &lt;img src=x&gt;\\|\\*a\\* → y TCP/80 |')
    expect(md).not.toContain('<img')
  })

  test.for<Level>(['service', 'host'])('spilled sides read as asked give the same report at %s level, the lists that are not compared gathered for the differing edges only', (level) => {
    const b = observation([
      entry('TCP web@h1:10.0.0.1 -> db@h2:10.0.0.2:5432', [1], 6),
      entry('TCP web@h3:10.0.0.3 -> db@h2:10.0.0.2:5432'),
      entry('TCP cron@h1:10.0.0.1 -> api@h4:10.0.0.4:8443'),
      entry('TCP web@h1:10.0.0.1 -> queue@h5:10.0.0.5:5672'),
    ])
    const folds: EdgeFold[] = []
    const side = (entries: MatrixEntry[]) => {
      const g = new EdgeGrouper({level, byPort: false}, memorySpill())
      for (const e of entries) g.add(e)
      return {captures: A.captures, edges: (fold: EdgeFold) => (folds.push(fold), g.edgeStream(fold))}
    }
    const d = diffEdges(side(A.entries), side(b.entries), {level})
    expect(d).toEqual(diffObservations(A, b, {level}))
    expect(folds.map((f) => f.only && [...f.only].length)).toEqual([undefined, undefined, d.removed.length + d.changed.length, d.added.length + d.changed.length])
  })
})

/** An EdgeRowSpill in memory: rows sorted by their keys, ties in the order added. */
function memorySpill(): EdgeRowSpill {
  const rows: {keys: (string | number)[]; text: string}[] = []
  const byKeys = (x: (string | number)[], y: (string | number)[]): number => {
    for (let i = 0; i < x.length; i++) {
      const c = typeof x[i] === 'number' ? (x[i] as number) - (y[i] as number) : cmp(x[i] as string, y[i] as string)
      if (c) return c
    }
    return 0
  }
  return {
    add: (k1, k2, k3, k4, k5, k6, text) => void rows.push({keys: [k1, k2, k3, k4, k5, k6], text}),
    sorted: () => [...rows].sort((x, y) => byKeys(x.keys, y.keys)).map((r) => r.text),
  }
}
