import {parseCidr, type Socket} from '@fm/model'
import {procEndpoint, ssEndpoint, wildcardLike} from './endpoint.js'
import {procState, ssState} from './states.js'

/** The first line of every bundle, with its format version. */
export const BUNDLE_HEADER = '#fm-collect 1'

/** A bundle that cannot be read; `line` is 1-based. */
export class BundleError extends Error {
  constructor(readonly line: number, detail: string) {
    super(`line ${line}: ${detail}`)
  }
}

/** A socket as a bundle lists it, before its owner is known. */
interface RawSocket {
  protocol: 'TCP' | 'UDP'
  localAddress: string
  localPort: number
  remoteAddress: string
  remotePort: number
  state: string
  inode: number
}

export interface CollectedInterface {
  name: string
  addresses: {address: string; prefix: number | null}[]
}

export interface CollectedNamespace {
  /** The kernel's id, `net:[4026531840]`. */
  id: string
  /** Its `ip netns` names (sorted), empty for a namespace only processes are in. */
  names: string[]
  /** The collector's own namespace (the host's, unless it ran inside another). */
  own: boolean
  sockets: Socket[]
  interfaces: CollectedInterface[]
  /** Where the sockets came from. */
  source: 'ss' | 'proc' | 'none'
}

export interface Bundle {
  hostname: string
  mode: string
  tools: string[]
  namespaces: CollectedNamespace[]
  /** Lines that were skipped, with why (kept for the manifest: nothing silently ignored). */
  skipped: {line: number; why: string}[]
}

interface Proc {
  comm: string
  exe: string
}

/**
 * Parses a collector bundle (see collector/fm-collect.sh) into namespaces with sockets in
 * Skydive's shape: states with Skydive's names, canonical addresses, and each socket's owner
 * (lowest pid holding its inode) named from /proc/PID/comm and /proc/PID/exe. ss's
 * `users:((...))` column is never read: a process name can forge it.
 */
export function parseBundle(text: string): Bundle {
  const lines = text.split('\n')
  if (lines[0].replace(/\r$/, '') !== BUNDLE_HEADER) {
    throw new BundleError(1, `expected ${JSON.stringify(BUNDLE_HEADER)}, got ${JSON.stringify(lines[0].slice(0, 40))}: not an fm collector bundle`)
  }
  const bundle: Bundle = {hostname: '', mode: '', tools: [], namespaces: [], skipped: []}
  // lookups by name stay O(1): a hostile bundle with a million names or interfaces costs linear time
  type Space = CollectedNamespace & {raw: RawSocket[]; nameSet: Set<string>; byInterface: Map<string, CollectedInterface>}
  const spaces = new Map<string, Space>()
  const space = (id: string): Space => {
    let s = spaces.get(id)
    if (!s) {
      s = {id, names: [], own: false, sockets: [], interfaces: [], source: 'none', raw: [], nameSet: new Set(), byInterface: new Map()}
      spaces.set(id, s)
    }
    return s
  }
  const procs = new Map<number, Proc>()
  const owners = new Map<number, number>()
  let section = ''
  let current: Space | null = null
  let procProto: 'TCP' | 'UDP' = 'TCP'
  let proc: Proc | null = null
  let ended = false
  const skip = (n: number, why: string): void => {
    if (bundle.skipped.length < 1000) bundle.skipped.push({line: n, why})
  }
  for (let i = 1; i < lines.length; i++) {
    const n = i + 1
    const line = lines[i].replace(/\r$/, '')
    if (line === '') continue
    if (line.startsWith('@')) {
      const [tag, ...args] = line.split(' ')
      section = tag
      current = null
      proc = null
      switch (tag) {
        case '@ss':
        case '@addr':
        case '@proc':
          if (!/^net:\[\d+\]$/.test(args[0] ?? '')) throw new BundleError(n, `${tag} needs a namespace id, got ${JSON.stringify(args[0] ?? '')}`)
          current = space(args[0])
          if (tag === '@ss') current.source = 'ss'
          if (tag === '@proc') {
            current.source = 'proc'
            procProto = args[1]?.startsWith('udp') ? 'UDP' : 'TCP'
          }
          break
        case '@netns': {
          if (!/^net:\[\d+\]$/.test(args[0] ?? '')) throw new BundleError(n, `@netns needs a namespace id`)
          const name = unhex(args[1] ?? '', n)
          const s = space(args[0])
          if (name !== '' && !s.nameSet.has(name)) {
            s.nameSet.add(name)
            s.names.push(name)
          }
          break
        }
        case '@pid': {
          const pid = Number(args[0])
          if (!Number.isInteger(pid) || pid <= 0) throw new BundleError(n, `@pid needs a process id`)
          proc = {comm: '', exe: ''}
          procs.set(pid, proc)
          break
        }
        case '@pidns':
        case '@fds':
          break
        case '@end':
          ended = true
          break
        default:
          skip(n, `unknown section ${tag}`)
      }
      continue
    }
    if (section === '') {
      const sp = line.indexOf(' ')
      const key = sp < 0 ? line : line.slice(0, sp)
      const value = sp < 0 ? '' : line.slice(sp + 1)
      if (key === 'hostname') bundle.hostname = unhex(value, n)
      else if (key === 'own') space(value).own = true
      else if (key === 'mode') bundle.mode = value
      else if (key === 'tool') bundle.tools.push(value)
      else skip(n, `unknown header ${key}`)
      continue
    }
    switch (section) {
      case '@ss': {
        const r = ssSocket(line)
        if (r === 'header') break
        if (r) current!.raw.push(r)
        else skip(n, 'not an ss socket line')
        break
      }
      case '@proc': {
        const r = procSocket(line, procProto)
        if (r === 'header') break
        if (r) current!.raw.push(r)
        else skip(n, 'not a /proc/net socket line')
        break
      }
      case '@addr': {
        const a = ipAddrLine(line)
        if (!a) {
          skip(n, 'not an ip -o addr line')
          break
        }
        let itf = current!.byInterface.get(a.name)
        if (!itf) {
          itf = {name: a.name, addresses: []}
          current!.byInterface.set(a.name, itf)
          current!.interfaces.push(itf)
        }
        itf.addresses.push(a.address)
        break
      }
      case '@fds': {
        const [pid, inode] = line.split(' ').map(Number)
        if (!(pid > 0) || !(inode > 0)) {
          skip(n, 'not a "pid inode" line')
          break
        }
        const was = owners.get(inode)
        if (was === undefined || pid < was) owners.set(inode, pid)
        break
      }
      case '@pid': {
        const sp = line.indexOf(' ')
        const key = sp < 0 ? line : line.slice(0, sp)
        const value = sp < 0 ? '' : line.slice(sp + 1)
        if (key === 'comm') proc!.comm = unhex(value, n).replace(/\n$/, '')
        else if (key === 'exe') proc!.exe = unhex(value, n)
        else skip(n, `unknown process field ${key}`)
        break
      }
      case '@pidns':
        break
      default:
        skip(n, `line in unknown section ${section}`)
    }
  }
  if (!ended) throw new BundleError(lines.length, 'the bundle ends before @end: the collector was cut off')
  for (const s of spaces.values()) {
    s.names.sort()
    const seen = new Set<string>()
    for (const r of s.raw) {
      const pid = r.inode > 0 ? owners.get(r.inode) ?? 0 : 0
      const p = pid ? procs.get(pid) : undefined
      const sock: Socket = {
        protocol: r.protocol,
        localAddress: r.localAddress,
        localPort: r.localPort,
        remoteAddress: r.remoteAddress,
        remotePort: r.remotePort,
        state: r.state,
        process: p?.exe ?? '',
        pid,
        name: p?.comm ?? '',
      }
      // a dual-stack listing can show one socket twice; keep one
      const key = `${sock.protocol}|${sock.localAddress}|${sock.localPort}|${sock.remoteAddress}|${sock.remotePort}|${r.inode}`
      if (seen.has(key)) continue
      seen.add(key)
      s.sockets.push(sock)
    }
    const {raw: _raw, nameSet: _names, byInterface: _byInterface, ...ns} = s
    bundle.namespaces.push(ns)
  }
  bundle.namespaces.sort((a, b) => Number(b.own) - Number(a.own) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return bundle
}

function unhex(h: string, line: number): string {
  if (h === '-') return ''
  if (!/^([0-9a-f]{2})*$/i.test(h)) throw new BundleError(line, `expected hex bytes, got ${JSON.stringify(h.slice(0, 40))}`)
  return Buffer.from(h, 'hex').toString('utf8')
}

/** One line of `ss -tuna -e` (any iproute2 since 3.x): netid state recv-q send-q local peer [extras, ino:N]. */
export function ssSocket(line: string): RawSocket | 'header' | null {
  const t = line.trim().split(/\s+/)
  if (t[0] === 'Netid' || t[0] === 'State') return 'header'
  let protocol: 'TCP' | 'UDP'
  if (t[0] === 'tcp' || t[0] === 'udp') protocol = t.shift() === 'tcp' ? 'TCP' : 'UDP'
  else return null
  if (t.length < 5) return null
  const state = ssState(t[0])
  if (!state) return null
  const local = ssEndpoint(t[3])
  const peer = ssEndpoint(t[4])
  if (!local || !peer) return null
  // a local `*` is a dual-stack wildcard in newer ss and the IPv4 one in older ss; `::` serves both
  const localAddress = local.address === '*' ? '::' : local.address
  const remoteAddress = peer.address === '*' ? wildcardLike(localAddress) : peer.address
  let inode = 0
  for (const x of t.slice(5)) {
    const m = /^ino:(\d+)$/.exec(x)
    if (m) inode = Number(m[1])
  }
  return {protocol, localAddress, localPort: local.port, remoteAddress, remotePort: peer.port, state, inode}
}

/** One line of /proc/net/{tcp,udp}[6]: sl local rem st queues tr when retrnsmt uid timeout inode. */
export function procSocket(line: string, protocol: 'TCP' | 'UDP'): RawSocket | 'header' | null {
  const t = line.trim().split(/\s+/)
  if (t[0] === 'sl') return 'header'
  if (t.length < 10 || !/^\d+:$/.test(t[0])) return null
  const local = procEndpoint(t[1])
  const remote = procEndpoint(t[2])
  const state = procState(t[3])
  const inode = Number(t[9])
  if (!local || !remote || !state || !Number.isInteger(inode)) return null
  return {protocol, localAddress: local.address, localPort: local.port, remoteAddress: remote.address, remotePort: remote.port, state, inode}
}

/** One line of `ip -o addr show`: `2: eth0    inet 10.0.0.5/24 brd ... scope global eth0\ ...`. */
export function ipAddrLine(line: string): {name: string; address: {address: string; prefix: number | null}} | null {
  const t = line.trim().split(/\s+/)
  if (t.length < 4 || !/^\d+:$/.test(t[0])) return null
  if (t[2] !== 'inet' && t[2] !== 'inet6') return null
  const name = t[1].replace(/:$/, '').replace(/@.*$/, '')
  // point-to-point: `inet 10.0.0.1 peer 10.0.0.2/32`; the local address is the one before `peer`
  const address = parseCidr(t[3].replace(/%[^/]*/, ''))
  if (!address || name === '') return null
  return {name, address}
}
