import {spawnSync} from 'node:child_process'
import {describe, expect, test} from 'vitest'
import {Lab, labUnavailable, standardScenario, withLab} from '../src/index.js'

const unavailable = labUnavailable()
if (unavailable) console.warn(`skipping the network-namespace lab tests: ${unavailable}`)

const namespaces = (): string[] => (spawnSync('ip', ['netns', 'list'], {encoding: 'utf8'}).stdout ?? '').split('\n').map((l) => l.split(' ')[0]).filter(Boolean)
const links = (): string => spawnSync('ip', ['-o', 'link'], {encoding: 'utf8'}).stdout ?? ''

describe.skipIf(unavailable !== null)('the lab', () => {
  test('makes the standard scenario: real sockets in each namespace, between hosts only over the lab bridge', async () => {
    let names: string[] = []
    let bridge = ''
    await withLab({hosts: 3}, async (lab) => {
      names = lab.hosts.map((h) => h.name)
      bridge = lab.bridge
      expect(namespaces()).toEqual(expect.arrayContaining(names))
      const made = await standardScenario(lab)
      expect(made).toHaveLength(5)
      expect(lab.connections).toEqual(made)
      for (const c of made) {
        // the client's socket is there, in the client's namespace, with the lab's addresses
        const ss = lab.exec(c.client.host, ['ss', '-tunaH']).stdout
        const proto = c.protocol === 'TCP' ? 'tcp' : 'udp'
        const line = ss.split('\n').find((l) => l.startsWith(proto) && l.includes(`${c.client.address}:${c.client.port} `) && l.includes(`${c.server.address}:${c.server.port}`))
        expect(line, `${JSON.stringify(c)} in\n${ss}`).toBeTruthy()
        expect(c.client.pid).toBeGreaterThan(0)
        expect(c.server.pid).toBeGreaterThan(0)
      }
      const hostile = made.find((c) => c.server.name.includes('"'))!
      expect(hostile.server.name).toBe('ev"il),(x')
      expect(spawnSync('cat', [`/proc/${hostile.server.pid}/comm`], {encoding: 'utf8'}).stdout).toBe('ev"il),(x\n')
      const loop = made.find((c) => c.server.address === '127.0.0.1')!
      expect(loop.client.host).toBe(loop.server.host)
      // the lab range is not reachable from the machine's own namespace
      expect(spawnSync('ip', ['route', 'get', lab.hosts[0].address], {encoding: 'utf8'}).stdout).not.toContain(lab.bridge)
    })
    expect(namespaces().filter((n) => names.includes(n))).toEqual([])
    expect(links()).not.toContain(bridge)
  })

  test('probes say what a TCP connection meets: a listener, nothing, or an nftables drop', async () => {
    await withLab({hosts: 2}, async (lab) => {
      const web = await lab.listen('h2', {protocol: 'tcp', port: 8080})
      const to = {address: lab.host('h2').address, port: 8080}
      expect(await lab.probe('h1', to)).toBe('connected')
      expect(await lab.probe('h1', {...to, port: 8081})).toBe('refused')
      lab.exec('h2', ['nft', '-f', '-'], 'table inet fmlab {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    tcp dport 8080 drop\n  }\n}\n')
      expect(await lab.probe('h1', to, 500)).toBe('timeout')
      // the rule lives in h2's namespace only: the machine's own ruleset does not have it
      expect(spawnSync('nft', ['list', 'tables'], {encoding: 'utf8'}).stdout).not.toContain('fmlab')
      expect(web.port).toBe(8080)
    })
  })

  test('cleans up what it built when a step fails', async () => {
    const before = namespaces().filter((n) => n.startsWith(`fmlab-${process.pid}-`))
    await expect(Lab.create({hosts: ['ok', 'Bad Label']})).rejects.toThrow(/label/)
    await expect(withLab({hosts: 2}, async (lab) => {
      await lab.listen('h1', {protocol: 'tcp', port: 7000})
      await lab.listen('h1', {protocol: 'tcp', port: 7000}) // EADDRINUSE
    })).rejects.toThrow(/EADDRINUSE/)
    expect(namespaces().filter((n) => n.startsWith(`fmlab-${process.pid}-`))).toEqual(before)
  })
})
