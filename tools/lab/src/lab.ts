import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {realpathSync} from 'node:fs'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

/** The private range every lab uses: it exists only on the lab's veths, behind a bridge with no address. */
export const LAB_RANGE = '10.231.0.0/16'

/** The agent a lab host runs (`node AGENT NAME SPEC-JSON`, spec `{op: listen|connect|probe, protocol, address, port}`), for tests that start one outside a lab. */
export const AGENT = fileURLToPath(new URL('./agent.mjs', import.meta.url))
const NODE = realpathSync(process.execPath)
/** Every lab's namespaces are named `fmlab-<creator pid>-<id>-<host>`: a later lab removes those of dead creators. */
const PREFIX = 'fmlab-'

export interface LabOptions {
  /** Host labels (short, [a-z0-9]); the default is h1..hN for `hosts: N`. */
  hosts: number | string[]
  /** Third octet of the lab's /24 inside 10.231.0.0/16 (default: random). */
  subnet?: number
}

/** One namespace acting as a host. */
export interface LabHost {
  /** What the test called it (`h1`, `web`). */
  label: string
  /** The network namespace's name: the inventory name (`ip netns exec {host}`). */
  name: string
  /** Its address on the lab bridge (eth0 inside the namespace). */
  address: string
  prefix: number
}

/** One end of a connection the lab made, as the kernel and /proc see it. */
export interface LabEndpoint {
  host: string
  address: string
  port: number
  pid: number
  /** /proc/PID/comm */
  name: string
  /** /proc/PID/exe */
  process: string
}

export interface LabListener extends LabEndpoint {
  protocol: 'TCP' | 'UDP'
}

export interface LabConnection {
  protocol: 'TCP' | 'UDP'
  server: LabEndpoint
  client: LabEndpoint
}

export interface ListenOptions {
  protocol: 'tcp' | 'udp'
  /** Address to bind (default the host's lab address); `127.0.0.1` or `0.0.0.0` work too. */
  address?: string
  /** Port (default: the kernel picks one). */
  port?: number
  /** Process name (at most 15 bytes, the kernel's limit for comm). */
  name?: string
}

export interface ConnectOptions {
  /** Address to connect to (default: the listener's host address, or its bound address when it is loopback). */
  address?: string
  /** Process name of the client. */
  name?: string
  /** The client's own port (default: the kernel picks one); lets two namespaces hold identical tuples. */
  localPort?: number
}

interface Started {
  child: ChildProcess
  pid: number
  local: {address: string; port: number}
  remote?: {address: string; port: number}
  result?: string
}

/** What one TCP connection attempt met: a listener, a reset (no listener, or an nft `reject`), or silence (an nft `drop`). */
export type ProbeResult = 'connected' | 'refused' | 'timeout' | `error ${string}`

/** Why a lab cannot run on this machine, or null when it can. */
export function labUnavailable(): string | null {
  if (process.platform !== 'linux') return 'the lab needs Linux network namespaces'
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'the lab needs root (ip netns add, veth pairs, a bridge)'
  const ip = spawnSync('ip', ['-V'], {encoding: 'utf8'})
  if (ip.error || ip.status !== 0) return 'the lab needs iproute2 (`ip`): apt-get install iproute2'
  const ns = `${PREFIX}probe-${process.pid}-${randomBytes(2).toString('hex')}`
  const add = spawnSync('ip', ['netns', 'add', ns], {encoding: 'utf8'})
  if (add.status !== 0) return `cannot create a network namespace here: ${add.stderr.trim() || 'ip netns add failed'}`
  spawnSync('ip', ['netns', 'del', ns])
  const routes = spawnSync('ip', ['-4', 'route', 'show', 'to', 'match', '10.231.0.1'], {encoding: 'utf8'})
  const used = routes.stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('default'))
  if (used.length > 0) return `the lab's range ${LAB_RANGE} is routed on this machine (${used[0].trim()}): the lab would not be private`
  return null
}

/**
 * A lab of network namespaces as hosts: each has loopback up and eth0, one end of a veth pair
 * whose other end is on a bridge that has no address, so lab traffic never leaves the lab.
 * Listeners and clients are real processes (node, renamed) inside the namespaces.
 * Always `close()` it (or use `withLab`); a crashed test's namespaces are removed by the next lab.
 *
 * @example
 * await withLab({hosts: ['web', 'db']}, async (lab) => {
 *   const db = await lab.listen('db', {protocol: 'tcp', port: 5432, name: 'postgres'})
 *   const c = await lab.connect('web', db, {name: 'app'})
 * })
 */
export class Lab {
  readonly id: string
  readonly hosts: LabHost[]
  readonly bridge: string
  /** Every connection made, in order. */
  readonly connections: LabConnection[] = []
  /** Every listener started, in order. */
  readonly listeners: LabListener[] = []
  private readonly children = new Set<ChildProcess>()
  private readonly onExit = (): void => this.closeSync()
  private closed = false

  private constructor(id: string, hosts: LabHost[], bridge: string) {
    this.id = id
    this.hosts = hosts
    this.bridge = bridge
  }

  /** Builds the namespaces, veths and bridge; removes whatever it built if any step fails. */
  static async create(opts: LabOptions): Promise<Lab> {
    const reason = labUnavailable()
    if (reason) throw new Error(reason)
    sweepStaleLabs()
    const labels = typeof opts.hosts === 'number' ? Array.from({length: opts.hosts}, (_, i) => `h${i + 1}`) : opts.hosts
    if (labels.length < 1 || labels.length > 250) throw new Error('a lab has 1 to 250 hosts')
    for (const l of labels) if (!/^[a-z0-9]{1,12}$/.test(l)) throw new Error(`lab host label ${JSON.stringify(l)}: use 1-12 of [a-z0-9]`)
    if (new Set(labels).size !== labels.length) throw new Error('lab host labels must be distinct')
    const rand = randomBytes(2).toString('hex')
    const subnet = opts.subnet ?? randomBytes(1)[0]
    const id = `${process.pid}-${rand}`
    const hosts = labels.map((label, i) => ({label, name: `${PREFIX}${id}-${label}`, address: `10.231.${subnet}.${i + 1}`, prefix: 24}))
    const lab = new Lab(id, hosts, `fl${rand}br`)
    process.once('exit', lab.onExit)
    try {
      ip('link', 'add', lab.bridge, 'type', 'bridge')
      ip('link', 'set', lab.bridge, 'up')
      hosts.forEach((h, i) => {
        const outer = `fl${rand}v${i}`
        const inner = `fl${rand}p${i}`
        ip('netns', 'add', h.name)
        ip('-n', h.name, 'link', 'set', 'lo', 'up')
        ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner)
        ip('link', 'set', inner, 'netns', h.name)
        ip('-n', h.name, 'link', 'set', inner, 'name', 'eth0')
        ip('-n', h.name, 'addr', 'add', `${h.address}/${h.prefix}`, 'dev', 'eth0')
        ip('-n', h.name, 'link', 'set', 'eth0', 'up')
        ip('link', 'set', outer, 'master', lab.bridge)
        ip('link', 'set', outer, 'up')
      })
    } catch (e) {
      lab.closeSync()
      throw e
    }
    return lab
  }

  /** The host with this label or namespace name. */
  host(labelOrName: string): LabHost {
    const h = this.hosts.find((x) => x.label === labelOrName || x.name === labelOrName)
    if (!h) throw new Error(`no lab host ${labelOrName}`)
    return h
  }

  /** The transport template that runs a command on a lab host: `ip netns exec {host}`. */
  get sshCommand(): string {
    return 'ip netns exec {host}'
  }

  /** Runs a command inside a host's namespace and returns its output; throws when it fails. */
  exec(host: string, argv: string[], input?: string): {stdout: string; stderr: string} {
    const r = spawnSync('ip', ['netns', 'exec', this.host(host).name, ...argv], {encoding: 'utf8', input, timeout: 60_000})
    if (r.error) throw r.error
    if (r.status !== 0) throw new Error(`${argv.join(' ')} in ${host}: exit ${r.status}: ${r.stderr.trim()}`)
    return {stdout: r.stdout, stderr: r.stderr}
  }

  /** Starts a listening process on a host (TCP LISTEN, or an unconnected bound UDP socket). */
  async listen(host: string, opts: ListenOptions): Promise<LabListener> {
    const h = this.host(host)
    const name = opts.name ?? `lab-${opts.protocol}-srv`
    const s = await this.start(h, name, {op: 'listen', protocol: opts.protocol, address: opts.address ?? h.address, port: opts.port ?? 0})
    const l: LabListener = {protocol: opts.protocol === 'tcp' ? 'TCP' : 'UDP', host: h.name, address: s.local.address, port: s.local.port, pid: s.pid, name: comm(name), process: NODE}
    this.listeners.push(l)
    return l
  }

  /**
   * Starts a client process on a host connected to a listener (TCP, or a connected UDP socket
   * that has sent one datagram), and records the connection.
   */
  async connect(host: string, to: LabListener, opts: ConnectOptions = {}): Promise<LabConnection> {
    const h = this.host(host)
    const name = opts.name ?? `lab-${to.protocol.toLowerCase()}-cli`
    const server = this.host(to.host)
    const address = opts.address ?? (to.address === '0.0.0.0' || to.address === '::' ? server.address : to.address)
    const s = await this.start(h, name, {op: 'connect', protocol: to.protocol.toLowerCase(), address, port: to.port, localPort: opts.localPort ?? 0})
    const c: LabConnection = {
      protocol: to.protocol,
      server: {host: server.name, address: s.remote!.address, port: to.port, pid: to.pid, name: to.name, process: to.process},
      client: {host: h.name, address: s.local.address, port: s.local.port, pid: s.pid, name: comm(name), process: NODE},
    }
    this.connections.push(c)
    return c
  }

  /**
   * Tries one TCP connection from a host and says what it met, without keeping anything open:
   * for firewall tests (`lab.exec(host, ['nft', '-f', file])`, then probe).
   */
  async probe(host: string, to: {address: string; port: number}, timeoutMs = 2000): Promise<ProbeResult> {
    const s = await this.start(this.host(host), 'lab-probe', {op: 'probe', protocol: 'tcp', address: to.address, port: to.port, timeoutMs})
    return s.result as ProbeResult
  }

  private async start(h: LabHost, name: string, spec: Record<string, unknown>): Promise<Started> {
    if (this.closed) throw new Error('the lab is closed')
    const child = spawn('ip', ['netns', 'exec', h.name, NODE, AGENT, name, JSON.stringify(spec)], {stdio: ['pipe', 'pipe', 'pipe']})
    this.children.add(child)
    child.on('exit', () => this.children.delete(child))
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const lines = createInterface({input: child.stdout!})
    return new Promise<Started>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`lab process ${name} in ${h.name} did not start in 20 s: ${stderr.trim()}`)), 20_000)
      child.on('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`lab process ${name} in ${h.name} exited (${code}): ${stderr.trim()}`))
      })
      lines.on('line', (line) => {
        let m: {ready?: boolean; error?: string; pid: number; local: Started['local']; remote?: Started['remote']; result?: string}
        try {
          m = JSON.parse(line)
        } catch {
          return
        }
        if (m.error) {
          clearTimeout(timer)
          reject(new Error(`lab process ${name} in ${h.name}: ${m.error}`))
        } else if (m.ready) {
          clearTimeout(timer)
          resolve({child, pid: m.pid, local: m.local, remote: m.remote, result: m.result})
        }
      })
    })
  }

  /** Stops every process, deletes the namespaces (their veth ends go with them) and the bridge. */
  async close(): Promise<void> {
    const waits = [...this.children].map((c) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r()))))
    for (const c of this.children) c.kill('SIGKILL')
    await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 5000))])
    this.closeSync()
  }

  private closeSync(): void {
    if (this.closed) return
    this.closed = true
    process.removeListener('exit', this.onExit)
    for (const c of this.children) c.kill('SIGKILL')
    for (const h of this.hosts) {
      // processes started inside by others (a collector, sshd) die with the namespace's last user only: kill them too
      const pids = spawnSync('ip', ['netns', 'pids', h.name], {encoding: 'utf8'}).stdout ?? ''
      for (const p of pids.split('\n').map(Number).filter((n) => n > 0)) {
        try {
          process.kill(p, 'SIGKILL')
        } catch {
          // already gone
        }
      }
      spawnSync('ip', ['netns', 'del', h.name])
    }
    spawnSync('ip', ['link', 'del', this.bridge])
  }
}

/** Runs `work` in a new lab and always removes the lab afterwards. */
export async function withLab<T>(opts: LabOptions, work: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await Lab.create(opts)
  try {
    return await work(lab)
  } finally {
    await lab.close()
  }
}

/**
 * The mix of connections the collector tests need, on a lab of at least 3 hosts: TCP between
 * hosts, two clients of one server, a UDP "connection" (connected socket to an unconnected
 * listener), TCP over loopback inside one namespace, and a server whose process name holds
 * `"`, `)`, `,` and `(`. Returns the connections it made.
 */
export async function standardScenario(lab: Lab): Promise<LabConnection[]> {
  const [a, b, c] = lab.hosts.map((h) => h.label)
  if (!c) throw new Error('standardScenario needs a lab of 3 hosts or more')
  const web = await lab.listen(b, {protocol: 'tcp', port: 8080, name: 'web-server'})
  const dns = await lab.listen(c, {protocol: 'udp', port: 5353, name: 'udp-server'})
  const hostile = await lab.listen(c, {protocol: 'tcp', address: '0.0.0.0', port: 9000, name: 'ev"il),(x'})
  const local = await lab.listen(a, {protocol: 'tcp', address: '127.0.0.1', port: 6379, name: 'cache'})
  const made = [
    await lab.connect(a, web, {name: 'web-client'}),
    await lab.connect(c, web, {name: 'web-client'}),
    await lab.connect(a, dns, {name: 'udp-client'}),
    await lab.connect(b, hostile, {name: 'hostile-client'}),
    await lab.connect(a, local, {name: 'cache-client'}),
  ]
  return made
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, {encoding: 'utf8'})
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`)
}

/** What /proc/PID/comm holds for a requested name: the kernel keeps 15 bytes. */
function comm(name: string): string {
  const b = Buffer.from(name)
  return b.length <= 15 ? name : b.subarray(0, 15).toString()
}

/** Removes namespaces and bridges of labs whose creating process is gone (a test killed mid-way). */
function sweepStaleLabs(): void {
  const list = spawnSync('ip', ['netns', 'list'], {encoding: 'utf8'}).stdout ?? ''
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0]
    const m = /^fmlab-(\d+)-([0-9a-f]{4})-/.exec(name)
    if (!m || alive(Number(m[1]))) continue
    spawnSync('ip', ['netns', 'del', name])
    spawnSync('ip', ['link', 'del', `fl${m[2]}br`])
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
