import {spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'

/** Why rules cannot be loaded into a namespace here, or null when they can. */
export function nftUnavailable(): string | null {
  if (process.platform !== 'linux') return 'needs Linux network namespaces'
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'needs root (ip netns add, nft -f inside a namespace)'
  for (const [tool, pkg] of [['ip', 'iproute2'], ['nft', 'nftables']]) {
    const r = spawnSync(tool, ['--version'], {encoding: 'utf8'})
    if (r.error) return `needs ${tool}: apt-get install ${pkg}`
  }
  const ns = `fmpolicy-probe-${process.pid}-${randomBytes(2).toString('hex')}`
  const add = spawnSync('ip', ['netns', 'add', ns], {encoding: 'utf8'})
  if (add.status !== 0) return `cannot create a network namespace here: ${add.stderr.trim()}`
  const nft = spawnSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'ruleset'], {encoding: 'utf8'})
  spawnSync('ip', ['netns', 'del', ns])
  if (nft.status !== 0) return `nft does not run inside a namespace here: ${nft.stderr.trim()}`
  return null
}

/** Runs a command inside a namespace; throws with its stderr when it fails. */
export function nsRun(ns: string, argv: string[], input?: string): string {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...argv], {encoding: 'utf8', input, timeout: 60_000})
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`${argv.join(' ')} in ${ns}: exit ${r.status}: ${r.stderr.trim()}`)
  return r.stdout
}

/**
 * Tells which new connections the rules of a namespace let through, as the kernel decides: a
 * table of its own (`inet fmprobe`) hooked on input after fm's (priority filter + 10) counts the
 * new packets that reach it. A packet fm's table drops never gets there; one it accepts does.
 * The probe is another table, so it also shows that loading fm's file leaves other tables alone.
 */
export class KernelProbe {
  private n = 0
  constructor(readonly ns: string) {
    nsRun(ns, ['nft', '-f', '-'], 'table inet fmprobe {\n\tchain input {\n\t\ttype filter hook input priority filter + 10; policy accept;\n\t}\n}\n')
  }

  /**
   * Opens a new connection from `clientNs` to address:port (TCP: a real connect, 3 s at most;
   * UDP: one datagram from a new socket) and says whether the server's input rules let it in.
   */
  async attempt(clientNs: string, protocol: 'TCP' | 'UDP', clientIp: string, address: string, port: number): Promise<{passed: boolean; connected: boolean | null}> {
    const tag = `probe-${++this.n}`
    const ip = address.includes(':') ? 'ip6' : 'ip'
    const p = protocol.toLowerCase()
    nsRun(this.ns, ['nft', 'add', 'rule', 'inet', 'fmprobe', 'input', ip, 'saddr', clientIp, p, 'dport', String(port), 'ct', 'state', 'new', 'counter', 'comment', `"${tag}"`])
    const attempt = attemptFrom(clientNs, protocol, address, port)
    // A dropped SYN never reaches the probe: 3 s without a packet (the first retransmission is at 1 s)
    // means dropped. A packet that got through is given all the time it needs to connect.
    const started = Date.now()
    for (;;) {
      const done = await Promise.race([attempt.result, new Promise<null>((r) => setTimeout(() => r(null), 200))])
      const passed = this.packets(tag) > 0
      if (done !== null) return {passed, connected: protocol === 'TCP' ? done : null}
      if (!passed && Date.now() - started > 3000) {
        attempt.stop()
        await attempt.result.catch(() => false)
        return {passed: this.packets(tag) > 0, connected: protocol === 'TCP' ? false : null}
      }
    }
  }

  private packets(tag: string): number {
    const listing = JSON.parse(nsRun(this.ns, ['nft', '-j', 'list', 'chain', 'inet', 'fmprobe', 'input'])) as {nftables: {rule?: {comment?: string; expr: {counter?: {packets: number}}[]}}[]}
    const rule = listing.nftables.find((x) => x.rule?.comment === tag)?.rule
    if (!rule) throw new Error(`probe rule ${tag} not found in ${this.ns}`)
    return rule.expr.find((e) => e.counter)?.counter?.packets ?? 0
  }

  /** True while the probe's own table is still loaded. */
  present(): boolean {
    return spawnSync('ip', ['netns', 'exec', this.ns, 'nft', 'list', 'table', 'inet', 'fmprobe'], {encoding: 'utf8'}).status === 0
  }
}

const ATTEMPT = `
const [proto, host, port] = process.argv.slice(1)
if (proto === 'TCP') {
  const s = require('node:net').connect({host, port: Number(port)})
  const t = setTimeout(() => { console.log('timeout'); process.exit(0) }, 60000)
  s.on('connect', () => { console.log('connected'); s.destroy(); clearTimeout(t) })
  s.on('error', (e) => { console.log(e.code); clearTimeout(t) })
} else {
  const s = require('node:dgram').createSocket(host.includes(':') ? 'udp6' : 'udp4')
  s.send('fm-policy-probe', Number(port), host, () => setTimeout(() => { console.log('sent'); s.close() }, 300))
}
`

/** One connection attempt from inside a namespace, by a fresh node process: resolves true when a TCP connect succeeded. */
function attemptFrom(ns: string, protocol: 'TCP' | 'UDP', address: string, port: number): {result: Promise<boolean>; stop: () => void} {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', ATTEMPT, protocol, address, String(port)], {stdio: ['ignore', 'pipe', 'pipe']})
  let stopped = false
  const result = new Promise<boolean>((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 || stopped ? resolve(out.trim() === 'connected') : reject(new Error(`attempt in ${ns} failed (${code}): ${err.trim()}`))))
  })
  return {result, stop: () => {
    stopped = true
    child.kill('SIGKILL')
  }}
}
