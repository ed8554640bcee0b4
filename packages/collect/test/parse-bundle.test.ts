import {readFileSync} from 'node:fs'
import {describe, expect, test} from 'vitest'
import fc from 'fast-check'
import {elementToRecord} from '@fm/ingest'
import {BundleError, bundleToGraph, parseBundle} from '../src/index.js'

const fixture = (name: string, file: string): string => readFileSync(new URL(`../../../fixtures/collect/${name}/${file}`, import.meta.url), 'utf8')
const hex = (s: string): string => Buffer.from(s).toString('hex')

describe('parseBundle', () => {
  test('reads a CentOS 7 host (ss of iproute2-ss130716, and /proc/net for a namespace only a process is in)', () => {
    const b = parseBundle(fixture('centos7-two-namespaces', 'bundle.txt'))
    expect(b).toEqual(JSON.parse(fixture('centos7-two-namespaces', 'expected-bundle.json')))
  })

  test('the graph carries every socket on the host node with its namespace, and interfaces under their netns', () => {
    const {graph, counts} = bundleToGraph(parseBundle(fixture('centos7-two-namespaces', 'bundle.txt')), 'web-1')
    expect(counts).toEqual({hosts: 1, sockets: 7, interfaces: 4, netns: 2, ownership: 6, flows: 0})
    const records = [...graph.Nodes, ...graph.Edges].map((e, i) => elementToRecord(e, `element ${i}`))
    const host = records.find((r) => r?.kind === 'host')
    expect(host).toMatchObject({kind: 'host', name: 'web-1', hostname: 'web-1.example'})
    const sockets = host?.kind === 'host' ? host.sockets! : []
    expect(sockets.map((s) => s.netns)).toEqual([...Array(5).fill('net:[4026531956]'), 'app ns', 'app ns'])
    expect(sockets[5]).toMatchObject({name: 'ev"il),(x', process: '/opt/app/bin/a b', pid: 2044})
    const netns = records.filter((r) => r?.kind === 'netns').map((r) => r?.kind === 'netns' && r.name)
    expect(netns).toEqual(['net:[4026531956]', 'app ns'])
    const owners = records.filter((r) => r?.kind === 'ownership')
    const eth0 = records.find((r) => r?.kind === 'interface' && r.addresses.some((a) => a.address === '192.168.0.1'))!
    expect(owners).toContainEqual({kind: 'ownership', parent: 'fm-collect/web-1/net:[4026532201]', child: eth0.kind === 'interface' ? eth0.nodeId : ''})
  })

  test('names come from comm as bytes: newlines, quotes and parentheses stay in the name', () => {
    const b = parseBundle(['#fm-collect 1', 'own net:[1]', '@fds', '7 99', '@pid 7', `comm ${hex('a\nb"),(\n')}`, `exe ${hex('/x\ny')}`,
      '@ss net:[1]', 'tcp ESTAB 0 0 10.0.0.1:1 10.0.0.2:2 users:(("forged",pid=1,fd=1)) ino:99 sk:1', '@end'].join('\n'))
    expect(b.namespaces[0].sockets[0]).toMatchObject({name: 'a\nb"),(', process: '/x\ny', pid: 7})
  })

  test.for<{name: string; text: string; error: RegExp}>([
    {name: 'not a bundle', text: 'Permission denied\n', error: /line 1: .*not an fm collector bundle/},
    {name: 'cut off before @end', text: '#fm-collect 1\nown net:[1]\n@ss net:[1]\ntcp ESTAB 0 0 1.1.1.1:1 2.2.2.2:2\n', error: /ends before @end/},
    {name: 'a section without a namespace', text: '#fm-collect 1\n@ss\n@end\n', error: /line 2: @ss needs a namespace id/},
    {name: 'a name that is not hex', text: '#fm-collect 1\n@pid 3\ncomm zz\n@end\n', error: /line 3: expected hex bytes/},
  ])('refuses $name with the line', ({text, error}) => {
    expect(() => parseBundle(text)).toThrow(BundleError)
    expect(() => parseBundle(text)).toThrow(error)
  })

  test('lines it cannot read are listed, not silently dropped', () => {
    const b = parseBundle('#fm-collect 1\nown net:[1]\n@ss net:[1]\ntcp ESTAB 0 0 10.0.0.1:1 10.0.0.2:2 ino:5\ntcp ESTAB what\n@end\n')
    expect(b.namespaces[0].sockets).toHaveLength(1)
    expect(b.skipped).toEqual([{line: 5, why: 'not an ss socket line'}])
  })

  test('the owner of a socket is the lowest pid holding its inode, whatever order the fds come in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({min: 1, max: 40}), {minLength: 1, maxLength: 12}), fc.integer({min: 0, max: 1000}), (pids, seed) => {
        const fds = [...new Set(pids)].map((p) => `${p} 500`)
        const shuffled = fds.map((l, i) => [((i + 1) * (seed + 7)) % 101, l] as const).sort((a, b) => a[0] - b[0]).map((x) => x[1])
        const procs = [...new Set(pids)].flatMap((p) => [`@pid ${p}`, `comm ${hex(`p${p}\n`)}`])
        const b = parseBundle(['#fm-collect 1', 'own net:[1]', '@fds', ...shuffled, ...procs, '@ss net:[1]', 'udp ESTAB 0 0 10.0.0.1:1 10.0.0.2:2 ino:500', '@end'].join('\n'))
        const min = Math.min(...new Set(pids))
        expect(b.namespaces[0].sockets[0]).toMatchObject({pid: min, name: `p${min}`})
      }),
    )
  })
})
