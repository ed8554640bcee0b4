import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {isLoopback, isWildcard} from '@fm/model'
import {readJsonDump} from '@fm/ingest'
import {writeDeployment} from '@fm/gen'
import {REPO_ROOT, runFm} from './helpers/run-command.js'

// Runs the built binary (`npm run build` first; `npm test` builds before testing).
const dir = mkdtempSync(join(tmpdir(), 'fm-redact-e2e-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const FIXTURE = join(REPO_ROOT, 'fixtures/skydive/two-agents.json')
/** A fixed key, so what a failure finds can be looked at again. */
const KEY_HEX = 'a3'.repeat(32)

/** A small site with what redaction must hide: users' homes, site folders, FQDNs, global IPv6, a zone, an IPv4-mapped peer, flows. */
function siteDump(file: string): void {
  const sock = (la: string, lp: number, ra: string, rp: number, state: string, proc: string, name: string, pid: number) =>
    ({LocalAddress: la, LocalPort: lp, RemoteAddress: ra, RemotePort: rp, Protocol: 'TCP', State: state, Process: proc, Pid: pid, Name: name})
  const host = (id: string, name: string, sockets: unknown[]) =>
    ({ID: id, Host: name, Metadata: {Type: 'host', Name: `${name}.acme-corp.example`, Hostname: `${name}.acme-corp.example`, Sockets: sockets, TID: `tid-${name}`}})
  const iface = (id: string, agent: string, name: string, v4: string[], v6: string[]) => ({ID: id, Host: agent, Metadata: {Type: 'device', Name: name, IPV4: v4, IPV6: v6, MAC: '52:54:00:12:34:56'}})
  const nodes = [
    host('h-db', 'db-paris-1', [
      sock('0.0.0.0', 5432, '0.0.0.0', 0, 'LISTEN', '/srv/acme-corp/pgsql/bin/postgres', 'postgres', 700),
      sock('203.0.113.10', 5432, '198.51.100.20', 41000, 'ESTABLISHED', '/srv/acme-corp/pgsql/bin/postgres', 'postgres', 701),
      sock('::', 8443, '::', 0, 'LISTEN', '/home/alice/acme/bin/billing', 'billing', 900),
      sock('2001:db8:42::10', 8443, '::ffff:198.51.100.20', 41500, 'ESTABLISHED', '/home/alice/acme/bin/billing', 'billing', 900),
      sock('203.0.113.10', 44000, '192.0.2.99', 443, 'ESTABLISHED', '/home/alice/acme/bin/billing', 'billing', 900),
      sock('fe80::5054:ff:fe12:3456%tap-db-paris-1', 9000, 'fe80::5054:ff:fe12:9999', 9100, 'ESTABLISHED', '/usr/bin/curl', 'curl', 901),
    ]),
    host('h-app', 'app-lyon-2', [
      sock('198.51.100.20', 41000, '203.0.113.10', 5432, 'ESTABLISHED', '/home/bob.martin/app/server', 'server', 300),
      sock('198.51.100.20', 41500, '203.0.113.10', 8443, 'ESTABLISHED', '/home/bob.martin/app/server', 'server', 300),
      sock('127.0.0.1', 6379, '0.0.0.0', 0, 'LISTEN', '/usr/bin/redis-server', 'redis-server', 301),
    ]),
    iface('i-db', 'db-paris-1', 'tap-db-paris-1', ['203.0.113.10/24'], ['2001:db8:42::10/64', 'fe80::5054:ff:fe12:3456/64']),
    iface('i-app', 'app-lyon-2', 'eth0', ['198.51.100.20/24'], []),
    {ID: 'ns-1', Host: 'db-paris-1', Metadata: {Type: 'netns', Name: 'qrouter-acme-paris', TID: 'tid-ns'}},
  ]
  const edges = [
    {ID: 'e1', Parent: 'h-db', Child: 'i-db', Metadata: {RelationType: 'ownership'}},
    {ID: 'e2', Parent: 'h-app', Child: 'i-app', Metadata: {RelationType: 'ownership'}},
    {ID: 'e3', Parent: 'h-db', Child: 'ns-1', Metadata: {RelationType: 'ownership'}},
  ]
  writeFileSync(file, JSON.stringify([{Nodes: nodes, Edges: edges}], null, 1))
}

/** What must not survive redaction: every host name, hostname, id, routable address and user or site folder of the inputs. */
async function secretsOf(files: string[]): Promise<Set<string>> {
  const s = new Set<string>(['alice', 'bob.martin', 'acme-corp', 'safchain', 'qrouter-acme-paris', 'tap-db-paris-1'])
  const address = (a: string): void => {
    const bare = a.split('%')[0]
    if (bare && !isLoopback(bare) && !isWildcard(bare)) s.add(bare)
  }
  for (const f of files) {
    for await (const r of readJsonDump(f)) {
      if (r.kind === 'host') {
        s.add(r.name)
        if (r.hostname) s.add(r.hostname)
        s.add(r.nodeId)
        for (const k of r.sockets ?? []) [k.localAddress, k.remoteAddress].forEach(address)
      } else if (r.kind === 'interface') {
        s.add(r.nodeId)
        for (const a of r.addresses) address(a.address)
      } else if (r.kind === 'flow') {
        s.add(r.uuid)
        address(r.a.address)
        address(r.b.address)
      } else if (r.kind === 'ownership') {
        s.add(r.parent)
      }
    }
  }
  return s
}

/** Every base64 spelling of `s` at the three byte alignments (the characters that depend on `s` alone), and its percent-encodings. */
function encodings(s: string): string[] {
  const out: string[] = []
  const bytes = Buffer.from(s, 'utf8')
  for (const k of [0, 1, 2]) {
    const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64')
    const from = Math.ceil((8 * k) / 6)
    const to = Math.floor((8 * (k + bytes.length)) / 6)
    if (to - from >= 6) out.push(b64.slice(from, to), Buffer.concat([Buffer.alloc(k), bytes]).toString('base64url').slice(from, to))
  }
  if (encodeURIComponent(s) !== s) out.push(encodeURIComponent(s))
  const every = [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
  out.push(every, every.toUpperCase())
  return out
}

/** The secrets (in any of their spellings) found in `text`, as `secret (spelling)`. */
function leaks(text: string, secrets: Set<string>): string[] {
  const found: string[] = []
  for (const s of secrets) {
    // an address must stand alone: 10.0.0.1 inside 110.0.0.15 is another address
    const plain = /^[0-9.]+$|:/.test(s) ? new RegExp(`(?<![0-9a-fA-F.:])${s.replace(/[.]/g, '\\.')}(?![0-9a-fA-F.:])`) : null
    if (plain ? plain.test(text) : text.includes(s)) found.push(s)
    for (const e of encodings(s)) if (text.includes(e)) found.push(`${s} (${e})`)
  }
  return found
}

function allBytes(root: string): string {
  if (statSync(root).isFile()) return readFileSync(root, 'latin1')
  return readdirSync(root, {recursive: true, encoding: 'utf8'}).map((f) => join(root, f)).filter((f) => statSync(f).isFile()).map((f) => readFileSync(f, 'latin1')).join('\n')
}

describe('the built fm redact', {timeout: 240_000}, () => {
  const site = join(dir, 'site.json')
  siteDump(site)
  const gen = writeDeployment({hosts: 30, seed: 11, flows: true}, join(dir, 'gen'))
  const inputs = [FIXTURE, site, gen.dump, gen.flows!]
  const keyFile = join(dir, 'fixed.key')
  writeFileSync(keyFile, KEY_HEX + '\n', {mode: 0o600})

  test('leaves no host name, hostname, id, routable address or user name of the inputs in the capture or in a report made from it, in any spelling', async () => {
    const secrets = await secretsOf(inputs)
    expect(secrets.size).toBeGreaterThan(300)
    const out = join(dir, 'redacted')
    const r = runFm(['redact', ...inputs, '--key', keyFile, '--out', out, '--map', join(dir, 'map.csv')])
    expect([r.status, r.stderr]).toEqual([0, ''])
    expect(r.stdout).toMatch(/^wrote .*redacted: 4 snapshots, 34 hosts, \d+ sockets, \d+ interfaces, \d+ flows redacted \(key sha256:[0-9a-f]{16}\)\n/)
    const report = join(dir, 'report.html')
    expect(runFm(['report', out, '--out', report, '--use-flows']).status).toBe(0)
    const onTheFly = join(dir, 'on-the-fly.html')
    expect(runFm(['report', ...inputs, '--redact', '--key', keyFile, '--out', onTheFly, '--use-flows']).status).toBe(0)
    expect(leaks(allBytes(out), secrets)).toEqual([])
    expect(leaks(allBytes(report), secrets)).toEqual([])
    expect(leaks(allBytes(onTheFly), secrets)).toEqual([])
    // the test can fail: the map holds every original, and the unredacted report names them
    const map = readFileSync(join(dir, 'map.csv'), 'latin1')
    expect(leaks(map, new Set(['alice', 'db-paris-1', '203.0.113.10', 'safchain']))).toEqual(['alice', 'db-paris-1', '203.0.113.10', 'safchain'])
    const plain = join(dir, 'plain.html')
    expect(runFm(['report', ...inputs, '--out', plain]).status).toBe(0)
    expect(leaks(allBytes(plain), secrets).length).toBeGreaterThan(50)
  })

  test('creates a missing key file with mode 0600 and says so on stderr; the same key gives the same bytes, another key other pseudonyms', () => {
    const key = join(dir, 'new.key')
    const [a, b, c] = ['a', 'b', 'c'].map((x) => join(dir, `same-${x}`))
    const first = runFm(['redact', site, '--key', key, '--out', a])
    expect(first.status).toBe(0)
    expect(first.stderr).toMatch(/^created the redaction key .*new\.key \(mode 0600, fingerprint sha256:[0-9a-f]{16}\)/)
    expect(statSync(key).mode & 0o777).toBe(0o600)
    const second = runFm(['redact', site, '--key', key, '--out', b])
    expect([second.status, second.stderr]).toEqual([0, ''])
    expect(allBytes(b)).toBe(allBytes(a))
    expect(runFm(['redact', site, '--key', keyFile, '--out', c]).status).toBe(0)
    const hosts = (root: string): string[] => allBytes(root).match(/host-[0-9a-f]{12}/g) ?? []
    expect(hosts(a).length).toBeGreaterThan(0)
    expect(hosts(a).filter((h) => hosts(c).includes(h))).toEqual([])
  })

  test('analyze, diff and check take --redact --key and clean up their temporary capture', () => {
    const tmp = join(dir, 'tmp')
    mkdirSync(tmp)
    const env = {TMPDIR: tmp}
    const csv = runFm(['analyze', site, '--redact', '--key', keyFile], {env})
    expect(csv.status).toBe(0)
    expect(csv.stdout).toMatch(/^protocol,server,/)
    expect(csv.stdout).toMatch(/host-[0-9a-f]{12}/)
    expect(csv.stdout).not.toContain('db-paris-1')
    // a redacted capture is not redacted twice: it compares equal to its original, redacted on the fly
    const redacted = join(dir, 'site-redacted')
    expect(runFm(['redact', site, '--key', keyFile, '--out', redacted]).status).toBe(0)
    const diff = runFm(['diff', redacted, site, '--redact', '--key', keyFile, '--level', 'host', '--exit-code'], {env})
    expect([diff.status, diff.stdout]).toEqual([0, expect.stringMatching(/0 new, 0 gone, 0 changed/)])
    const baseline = join(dir, 'baseline.yaml')
    expect(runFm(['baseline', redacted, '--out', baseline, '--level', 'host']).status).toBe(0)
    expect(runFm(['check', '--baseline', baseline, site, '--redact', '--key', keyFile], {env}).status).toBe(0)
    expect(readdirSync(tmp)).toEqual([])
  })

  test('refuses --redact without --key, --key without --redact, and a map inside the output', () => {
    expect(runFm(['analyze', site, '--redact']).stderr).toMatch(/--redact needs --key FILE/)
    expect(runFm(['report', site, '--key', keyFile, '--out', join(dir, 'x.html')]).stderr).toMatch(/--key applies to --redact/)
    const out = join(dir, 'with-map')
    const r = runFm(['redact', site, '--key', keyFile, '--out', out, '--map', join(out, 'map.csv')])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--map \S+map\.csv would be inside --out \S+with-map: keep the outputs apart/)
    expect(existsSync(out)).toBe(false)
  })
})
