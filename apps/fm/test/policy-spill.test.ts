import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterAll, describe, expect, test} from 'vitest'
import {checkPieces, formatCheck, parseBaseline, type CheckFormat} from '@fm/baseline'
import {buildPolicy, checkPolicy, parsePolicyFiles, policyFiles, type PolicyFormat, type PolicyMode} from '@fm/policy'
import type {CaptureInfo, HostListening, MatrixEntry, ServedPeer} from '@fm/model'
import {readPolicyHosts, SpilledPolicyCheck} from '../src/lib/check-policy-dir.js'
import {readPolicyDir} from '../src/lib/policy-dir.js'
import {ServerHostSpill} from '../src/lib/server-host-spill.js'
import {writePolicyHosts} from '../src/lib/write-policy.js'

const tmp = mkdtempSync(join(tmpdir(), 'fm-policy-spill-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

// names in code-point order, NUL, astral, lone surrogates and file-name hostile ones among them
const host = fc.constantFrom('web', 'db', 'Web', 'é', '𝒳', '\uE000', 'a\u0000b', 'x\ud800', 'x\udc00', '../x', '')
const ip = fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.1.7', '192.168.5.5', 'fd00::1', 'fd00::2', '127.0.0.1', '::1', 'not-an-ip')
const proc = fc.constantFrom(['/usr/sbin/nginx', 'nginx'], ['/usr/bin/curl', 'curl'], ['/opt/x y', 'x"y'])
const entry: fc.Arbitrary<MatrixEntry> = fc
  .record({protocol: fc.constantFrom('TCP', 'UDP'), sh: host, sip: ip, port: fc.constantFrom(22, 80, 443), sp: proc, ch: host, cip: ip, cp: proc, connections: fc.integer({min: 1, max: 4}), ids: fc.uniqueArray(fc.integer({min: 1, max: 3}), {minLength: 1, maxLength: 3})})
  .map((r) => ({
    protocol: r.protocol,
    server: {host: r.sh, ip: r.sip, port: r.port, process: r.sp[0], name: r.sp[1]},
    client: {host: r.ch, ip: r.cip, process: r.cp[0], name: r.cp[1]},
    connections: r.connections,
    methods: ['socket' as const],
    seen: r.ids.length,
    captureIds: r.ids.sort((a, b) => a - b),
    evidence: [],
  }))
/** Peers of server-side sockets no client was matched to: an entry's server and client address, nothing more. */
const peer: fc.Arbitrary<ServedPeer> = entry.map((e) => ({protocol: e.protocol, server: e.server, peerIp: e.client.ip, connections: e.connections, captureIds: e.captureIds!}))
const listening: fc.Arbitrary<HostListening> = fc.record({
  host,
  addresses: fc.uniqueArray(ip, {maxLength: 3}),
  listeners: fc.array(fc.record({protocol: fc.constantFrom('TCP', 'UDP'), address: fc.constantFrom('0.0.0.0', '::', '10.0.0.1', '127.0.0.1', 'fd00::1'), port: fc.constantFrom(22, 80, 443, 5432), process: fc.constant('/usr/sbin/d'), name: fc.constant('d')}), {maxLength: 3}),
})
const captures: CaptureInfo[] = [1, 2, 3].map((id) => ({id, source: `d${id}.json`, format: 'skydive-g', label: null, timeContext: null, startedAt: null, endedAt: null}))
const baseline = parseBaseline(['version: 1', 'level: service', 'allow:', '  - {client: curl, server: nginx}', '  - {port: 22}', 'ignore:', '  - {client: "x\\"y"}', ''].join('\n'), 'b.yaml')
const options = fc.record({
  format: fc.constantFrom<PolicyFormat>('nftables', 'iptables'),
  mode: fc.constantFrom<PolicyMode>('enforce', 'monitor'),
  aggregate: fc.record({v4: fc.constantFrom(null, 24, 8), v6: fc.constantFrom(null, 64)}),
  baseline: fc.option(fc.constant({file: 'b.yaml', baseline}), {nil: undefined}),
})

/** A sink keeping what writePolicyHosts writes. */
function memoryFolder(): {files: Map<string, string>; add(name: string, text: string): void; open(name: string): void; append(text: string): void} {
  const files = new Map<string, string>()
  let open = ''
  return {
    files,
    add: (name, text) => {
      expect(files.has(name)).toBe(false)
      files.set(name, text)
    },
    open: (name) => files.set((open = name), ''),
    append: (text) => files.set(open, files.get(open)! + text),
  }
}

describe('fm policy one host at a time', () => {
  test('writes the very files (names, order, bytes) buildPolicy + policyFiles write for the whole observation', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, {maxLength: 40}), fc.array(listening, {maxLength: 6}), fc.array(peer, {maxLength: 10}), options, async (entries, listens, peers, opts) => {
        const spill = new ServerHostSpill()
        try {
          for (const e of entries) spill.addEntry(e)
          for (const l of listens) spill.addListening(l)
          for (const p of peers) spill.addPeer(p)
          const folder = memoryFolder()
          const written = await writePolicyHosts(spill, captures, opts, folder)
          const whole = buildPolicy({captures, entries}, {...opts, listening: listens, peers})
          const files = policyFiles(whole, opts.format)
          expect(written.files).toEqual(files.map((f) => f.name))
          expect(written.files.map((name) => folder.files.get(name))).toEqual(files.map((f) => f.text))
          expect(written.hosts).toEqual(whole.hosts.map((h) => ({host: h.host, opened: h.services.map((s) => `${s.protocol}/${s.port}`), clients: h.rules.reduce((n, r) => n + r.sources.length, 0), dropped: h.unallowed.length})))
        } finally {
          spill.close()
        }
      }),
      {numRuns: 150},
    )
  })
})

describe('fm check --policy one host at a time', () => {
  let run = 0
  test('reports what checkPolicy reports on the whole observation, in every format, the policy files read one host at a time', () => {
    fc.assert(
      fc.property(
        fc.array(entry, {maxLength: 25}),
        fc.array(listening, {maxLength: 4}),
        options,
        fc.array(entry, {maxLength: 40}),
        fc.integer({min: 1, max: 3}),
        (seen, listens, opts, observed, minSeen) => {
        const dir = join(tmp, `p${run++}`)
        const files = policyFiles(buildPolicy({captures, entries: seen}, {...opts, listening: listens}), opts.format)
        // a policy with no host file is not a policy folder (check --policy refuses it)
        fc.pre(files.length > 1)
        mkdirSync(dir)
        for (const f of files) writeFileSync(join(dir, f.name), f.text)
        const whole = checkPolicy(parsePolicyFiles(readPolicyDir(dir)), {captures, entries: observed}, {minSeen})
        const check = new SpilledPolicyCheck(readPolicyHosts(dir))
        try {
          for (const e of observed) check.add(e)
          const parts = check.finish(captures, minSeen)
          for (const format of ['json', 'text', 'junit', 'tap', 'markdown'] as CheckFormat[]) {
            expect([...checkPieces(parts, format, {baseline: dir})].join('')).toBe(formatCheck(whole, format, {baseline: dir}))
          }
        } finally {
          check.close()
        }
      }),
      {numRuns: 80},
    )
  })
})
