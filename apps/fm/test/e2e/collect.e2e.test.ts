import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, onTestFinished, test} from 'vitest'
import {LAB_AGENT, labUnavailable, standardScenario, withLab, type Lab, type LabConnection} from '@fm/lab'
import {APP_ROOT, FM_BIN, REPO_ROOT, runFm} from '../helpers/run-command.js'

beforeAll(() => {
  if (!existsSync(join(APP_ROOT, 'dist/commands/capture.js'))) throw new Error('fm is not built: run `npm run build` (npm test does it)')
})

const noLab = labUnavailable()
if (noLab) console.warn(`skipping fm capture --ssh lab tests: ${noLab}`)

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fm-collect-e2e-'))
  onTestFinished(() => rmSync(dir, {recursive: true, force: true}))
  return dir
}

/** The CSV rows (original column order) the lab's connections must give. */
function expectedRows(made: LabConnection[], host = (h: string) => h): string[] {
  const q = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
  return made
    .map((c) => [c.protocol, host(c.server.host), c.server.address, c.server.port, c.server.process, c.server.name, host(c.client.host), c.client.address, c.client.process, c.client.name].map((x) => q(String(x))).join(','))
    .sort()
}

function csvRows(capture: string): string[] {
  const r = runFm(['analyze', capture])
  expect(r.status, r.stderr).toBe(0)
  return r.stdout.trimEnd().split('\r\n').slice(1).sort()
}

const manifest = (dir: string): {collect: {hosts: {host: string; status: string; error?: string; sockets?: number}[]}; counts: {hosts: number}} =>
  JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))

describe.skipIf(noLab !== null)('fm capture --ssh on a lab of network namespaces', () => {
  test("through 'ip netns exec {host}': fm analyze gives exactly the connections the lab made", async () => {
    await withLab({hosts: 3}, async (lab) => {
      const made = await standardScenario(lab)
      const out = join(tempDir(), 'lab')
      const r = runFm(['capture', '--ssh', lab.hosts.map((h) => h.name).join(','), '--ssh-command', lab.sshCommand, '--namespaces', 'own', '--out', out])
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout).toContain('3 of 3 hosts collected')
      expect(csvRows(out)).toEqual(expectedRows(made))
      const j = JSON.parse(runFm(['analyze', out, '--json']).stdout)
      expect(j.stats.unmatched).toEqual({external: 0, 'no-listener': 0, 'host-without-sockets': 0})
      expect(j.stats.ambiguities).toBe(0)
      expect(manifest(out).collect.hosts.map((h) => h.status)).toEqual(['ok', 'ok', 'ok'])
    })
  })

  test('an unreachable host is recorded with its error, the others are captured, and fm exits 4', async () => {
    await withLab({hosts: 3}, async (lab) => {
      const made = await standardScenario(lab)
      const dir = tempDir()
      const list = join(dir, 'hosts.txt')
      const missing = `${lab.hosts[0].name}-gone`
      writeFileSync(list, [`# the lab, and one namespace that does not exist`, ...lab.hosts.map((h) => h.name), `${missing}   # unreachable`, ''].join('\n'))
      const out = join(dir, 'partial')
      const r = runFm(['capture', '--ssh', `@${list}`, '--ssh-command', lab.sshCommand, '--namespaces', 'own', '--parallel', '2', '--out', out])
      expect(r.status).toBe(4)
      expect(r.stderr).toMatch(new RegExp(`1 of 4 hosts could not be collected \\(${missing}: exit \\d+: Cannot open network namespace`))
      expect(r.stdout).toContain('3 of 4 hosts collected')
      const hosts = manifest(out).collect.hosts
      expect(hosts.find((h) => h.host === missing)).toMatchObject({status: 'failed', error: expect.stringContaining('Cannot open network namespace')})
      expect(hosts.filter((h) => h.status === 'ok')).toHaveLength(3)
      expect(csvRows(out)).toEqual(expectedRows(made))
    })
  })

  test('--local reads every namespace of the machine: the lab becomes one host whose namespaces keep loopback apart', async () => {
    await withLab({hosts: 3}, async (lab) => {
      const made = await standardScenario(lab)
      // the same loopback connection, port for port, in two more namespaces: only namespaces tell them apart
      for (const h of [lab.hosts[1], lab.hosts[2]]) {
        const decoy = await lab.listen(h.label, {protocol: 'tcp', address: '127.0.0.1', port: 6380, name: 'cache-decoy'})
        await lab.connect(h.label, decoy, {name: 'decoy-client', localPort: 50123})
      }
      const out = join(tempDir(), 'local')
      const r = runFm(['capture', '--local', '--out', out])
      expect(r.status, r.stderr).toBe(0)
      const me = hostname()
      const rows = csvRows(out)
      for (const row of expectedRows(lab.connections, () => me)) expect(rows).toContain(row)
      const j = JSON.parse(runFm(['analyze', out, '--json']).stdout)
      const decoys = j.entries.filter((e: {server: {port: number}}) => e.server.port === 6380)
      expect(decoys.map((e: {server: {name: string}; client: {name: string}; connections: number}) => `${e.server.name} <- ${e.client.name} x${e.connections}`)).toEqual(['cache-decoy <- decoy-client x2'])
      // each client paired with the server socket of its own namespace: no ambiguity among them
      const clientPids = new Set(lab.connections.filter((c) => c.server.port === 6380).map((c) => c.client.pid))
      expect(clientPids.size).toBe(2)
      expect(j.ambiguities.filter((a: {client: string}) => [...clientPids].some((p) => a.client.endsWith(`|${p}`)))).toEqual([])
      expect(made).toHaveLength(5)
    })
  })
})

describe.skipIf(noLab !== null)('fm capture --local and a namespace only a process is in', () => {
  test('finds the namespace through the process (no ip netns name) and reads its sockets', async () => {
    // `unshare -n` gives the listener a namespace of its own that `ip netns list` does not show
    const agent = LAB_AGENT
    const child = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, agent, 'hidden-srv', JSON.stringify({op: 'listen', protocol: 'tcp', address: '127.0.0.1', port: 7777})], {stdio: ['pipe', 'pipe', 'pipe']})
    onTestFinished(() => {
      child.kill('SIGKILL')
    })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => (d.toString().includes('"ready"') ? resolve() : undefined))
      child.on('exit', (code) => reject(new Error(`the hidden listener exited (${code})`)))
    })
    const out = join(tempDir(), 'local')
    const r = runFm(['capture', '--local', '--out', out])
    expect(r.status, r.stderr).toBe(0)
    const graph = JSON.parse(readFileSync(join(out, 'snapshot-1', 'host-0001.json'), 'utf8'))[0]
    const host = graph.Nodes.find((n: {Metadata: {Type: string}}) => n.Metadata.Type === 'host')
    const hidden = host.Metadata.Sockets.filter((s: {Name: string}) => s.Name === 'hidden-srv')
    expect(hidden).toMatchObject([{Protocol: 'TCP', LocalAddress: '127.0.0.1', LocalPort: 7777, State: 'LISTEN', Pid: child.pid, Netns: expect.stringMatching(/^net:\[\d+\]$/)}])
    const ns = graph.Nodes.find((n: {Metadata: {Type: string; Name: string}}) => n.Metadata.Type === 'netns' && n.Metadata.Name === hidden[0].Netns)
    expect(ns.Metadata).toMatchObject({Names: [], Own: false})
  })
})

describe('an interrupted fm capture --ssh', () => {
  test('Ctrl-C: exit 130, the transports are killed, and no folder is left, complete or partial', async () => {
    const dir = tempDir()
    const host = join(dir, 'h1')
    // the transport records its pid, then hangs like an unresponsive host
    const child = spawn(process.execPath, [FM_BIN, 'capture', '--ssh', host, '--ssh-command', `sh -c 'echo $$ > "$0.pid"; exec sleep 60' {host}`, '--out', join(dir, 'cap')], {cwd: REPO_ROOT})
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const started = Date.now()
    while (!existsSync(`${host}.pid`) && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20))
    const pid = Number(readFileSync(`${host}.pid`, 'utf8'))
    expect(pid).toBeGreaterThan(0)
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(stderr).toMatch(/interrupted/)
    expect(readdirSync(dir).sort()).toEqual(['h1.pid'])
    let alive = true
    for (let i = 0; i < 100 && alive; i++) {
      try {
        process.kill(pid, 0)
        await new Promise((r) => setTimeout(r, 20))
      } catch {
        alive = false
      }
    }
    expect(alive, 'the transport process was killed').toBe(false)
  })
})

// ---- a real sshd on loopback, reached with ssh and the default template's options ----

const sshTools = ['/usr/sbin/sshd', 'ssh', 'ssh-keygen'].every((t) => spawnSync(t.startsWith('/') ? 'test' : 'which', t.startsWith('/') ? ['-x', t] : [t]).status === 0)
const noSshd = process.getuid?.() !== 0 ? 'needs root (sshd runs the collector as root)' : !sshTools ? 'needs openssh-server and openssh-client (tools/ensure-lab.sh installs them)' : null
if (noSshd) console.warn(`skipping the sshd test: ${noSshd}`)

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as {port: number}).port
      s.close(() => resolve(p))
    })
  })
}

describe.skipIf(noSshd !== null)('fm capture --ssh through a real sshd', () => {
  let dir = ''
  let sshd: ChildProcess | undefined
  let config = ''
  let port = 0

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fm-sshd-'))
    port = await freePort()
    const keygen = (file: string): void => {
      const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'fm-test', '-f', file], {encoding: 'utf8'})
      if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`)
    }
    keygen(join(dir, 'host_key'))
    keygen(join(dir, 'user_key'))
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_key.pub')))
    // Debian's sshd refuses to start without its privilege separation directory
    mkdirSync('/run/sshd', {recursive: true})
    writeFileSync(join(dir, 'sshd_config'), [
      `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_key')}`, `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`, 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password',
      'StrictModes no', 'UsePAM no', 'LogLevel ERROR', '',
    ].join('\n'))
    config = join(dir, 'ssh_config')
    const host = (alias: string, p: number): string[] => [
      `Host ${alias}`, '  HostName 127.0.0.1', `  Port ${p}`, '  User root', `  IdentityFile ${join(dir, 'user_key')}`, '  IdentitiesOnly yes',
      '  StrictHostKeyChecking no', `  UserKnownHostsFile ${join(dir, 'known_hosts')}`, '  ConnectTimeout 5', '  LogLevel ERROR',
    ]
    // a second alias on a port nobody listens on: the unreachable host
    writeFileSync(config, [...host('fm-test-host', port), ...host('fm-test-down', await freePort()), ''].join('\n'))
    sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {stdio: ['ignore', 'ignore', 'pipe']})
    let err = ''
    sshd.stderr!.on('data', (d: Buffer) => (err += d.toString()))
    // ready when it accepts a connection
    for (let i = 0; i < 100; i++) {
      const ok = spawnSync('ssh', ['-F', config, '-o', 'BatchMode=yes', '--', 'fm-test-host', 'true']).status === 0
      if (ok) return
      if (sshd.exitCode !== null) throw new Error(`sshd exited: ${err}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`sshd did not answer: ${err}`)
  })

  afterAll(async () => {
    if (sshd && sshd.exitCode === null) {
      const gone = new Promise((r) => sshd!.once('exit', r))
      sshd.kill('SIGTERM')
      await gone
    }
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  test('collects the host over ssh: the capture shows fm\'s own ssh session to sshd; a host that refuses gives exit 4', () => {
    const out = join(dir, 'capture')
    const r = runFm(['capture', '--ssh', 'fm-test-host,fm-test-down', '--ssh-command', `ssh -F ${config} -o BatchMode=yes -- {host}`, '--namespaces', 'own', '--out', out])
    expect(r.status, r.stderr).toBe(4)
    expect(r.stderr).toMatch(/fm-test-down: exit 255: .*(Connection refused|connect to host)/)
    const m = manifest(out)
    expect(m.collect.hosts.map((h) => `${h.host} ${h.status}`)).toEqual(['fm-test-host ok', 'fm-test-down failed'])
    const j = JSON.parse(runFm(['analyze', out, '--json']).stdout)
    const session = j.entries.filter((e: {server: {port: number; name: string}}) => e.server.port === port)
    expect(session.map((e: {protocol: string; server: {host: string; ip: string; name: string}; client: {host: string; name: string}}) =>
      `${e.protocol} ${e.server.host} ${e.server.ip} ${e.server.name} <- ${e.client.host} ${e.client.name}`)).toEqual(['TCP fm-test-host 127.0.0.1 sshd <- fm-test-host ssh'])
    expect(readdirSync(join(out, 'snapshot-1')).sort()).toEqual(['host-0001.bundle.txt', 'host-0001.json'])
  })
})

/** Keeps the Lab type import used when every lab test is skipped. */
export type {Lab}
