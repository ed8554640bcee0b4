import {createHmac} from 'node:crypto'
import {BlockList} from 'node:net'
import {posix} from 'node:path'
import {addressBytes, bytesToAddress, UsageError} from '@fm/model'
import {CryptoPan, type FixedRange} from './crypto-pan.js'
import type {RedactKey} from './key.js'

/** What a redaction keeps in the clear. */
export interface RedactOptions {
  /** Host names (node Host fields, hostnames) kept as they are. */
  keepHosts?: string[]
  /** Addresses or CIDRs (`10.0.0.0/8`, `2001:db8::/32`) whose addresses are kept as they are. */
  keepAddresses?: string[]
  /** Also pseudonymise process names and executable base names (kept by default: they are what the matrix is about). */
  services?: boolean
  /** Directories whose paths are kept whole, in addition to SYSTEM_PATHS. */
  allowPaths?: string[]
}

/** What an original became; `kind` says which rule made it (see Pseudonymizer). */
export type MapKind = 'host' | 'id' | 'address' | 'path' | 'process-name' | 'interface' | 'netns' | 'text'

/**
 * Directories whose paths are kept whole: where distributions install programs. Paths
 * elsewhere keep their first directory when it is a standard one (GENERIC_DIRS) and their base
 * name (unless `services`); every other component becomes `d-` and a keyed hash.
 */
export const SYSTEM_PATHS = [
  '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/libexec',
  '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib32', '/usr/lib64', '/usr/libx32', '/usr/libexec', '/usr/share', '/usr/games',
  '/usr/local/bin', '/usr/local/sbin', '/snap/bin',
]

/**
 * The system directories that hold programs, not folders: a path below one of their
 * subdirectories (`/usr/bin/site/tool`) is no distribution's, and is pseudonymised below it.
 */
const PROGRAM_DIRS = new Set(['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/snap/bin', '/usr/games'])

/** Standard directories that name no user or site by themselves. */
const GENERIC_DIRS = [
  '/home', '/opt', '/srv', '/var', '/var/lib', '/var/opt', '/usr', '/usr/local', '/usr/local/lib', '/root', '/tmp', '/run', '/mnt', '/media', '/snap', '/nix', '/nix/store', '/app', '/data', '/etc',
]

/** Loopback and unspecified keep their value, link-local and multicast their class (see CryptoPan's fixed ranges). */
const FIXED_RANGES: [string, number, FixedRange['keep']][] = [
  ['0.0.0.0', 8, 'value'], ['127.0.0.0', 8, 'value'], ['169.254.0.0', 16, 'class'], ['224.0.0.0', 4, 'class'], ['255.255.255.255', 32, 'value'],
  ['::', 128, 'value'], ['::1', 128, 'value'], ['::ffff:0:0', 96, 'class'], ['fe80::', 10, 'class'], ['ff00::', 8, 'class'],
]

/** Interface names that say nothing about the site: kept. */
const GENERIC_INTERFACE = /^(lo|eth\d+|em\d+|eno\d+|ens\d+|enp\d+s\d+(f\d+)?|wlan\d+|bond\d+|team\d+|docker\d+|virbr\d+(-nic)?|br-(int|ex|tun)|ovs-system|vxlan_sys_\d+|genev_sys_\d+|gre_sys|gretap0|erspan0|tun\d+|tap\d+|veth[0-9a-f]{1,12}|cni\d+|flannel\.\d+|kube-ipvs0|cali[0-9a-f]{1,11}|lxcbr\d+|dummy\d+|vlan\d+|(eth|bond)\d+\.\d+)$/

const PROTOCOLS = new Set(['TCP', 'UDP', 'TCP6', 'UDP6', 'SCTP', 'UDPLITE', 'DCCP', 'RAW', 'ICMP', 'ICMPV6', ''])
const STATES = new Set(['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV', 'UNKNOWN', ''])
const INTERFACE_TYPES = new Set([
  'device', 'veth', 'bridge', 'openvswitch', 'ovsbridge', 'ovsport', 'internal', 'tun', 'tap', 'bond', 'vlan', 'vxlan', 'gre', 'gretap', 'geneve',
  'macvlan', 'macvtap', 'ipvlan', 'dummy', 'ifb', 'team', 'ppp', 'patch', 'ipip', 'sit', 'wireguard', 'loopback', 'netns', 'host', '',
])

/** Entries a memo holds before it starts again: bounded memory on any input. */
const MEMO_LIMIT = 1 << 16

/**
 * Turns every identifying value of a dump into a stable keyed pseudonym: the same key and
 * value always give the same pseudonym, another key another one. Addresses go through
 * Crypto-PAn (prefix-preserving, one-to-one, special ranges kept), names through HMAC-SHA-256.
 * `onMap` hears every original and what it became (the `--map` table).
 */
export class Pseudonymizer {
  onMap?: (kind: MapKind, original: string, pseudonym: string) => void
  private readonly pan: CryptoPan
  private readonly keepHosts: Set<string>
  private readonly keepAddresses = new BlockList()
  private readonly services: boolean
  private readonly systemPaths: string[]
  private readonly memo = new Map<string, string>()
  private readonly hmacKey: Buffer

  constructor(key: RedactKey, private readonly opts: RedactOptions = {}) {
    const fixed: FixedRange[] = FIXED_RANGES.map(([a, prefix, keep]) => ({bytes: addressBytes(a)!, prefix, keep}))
    for (const cidr of opts.keepAddresses ?? []) {
      const r = parseKeptRange(cidr)
      fixed.push({bytes: r.bytes, prefix: r.prefix, keep: 'value'})
      this.keepAddresses.addSubnet(bytesToAddress(r.bytes), r.prefix, r.bytes.length === 4 ? 'ipv4' : 'ipv6')
    }
    this.pan = new CryptoPan(key.cryptoPan, {fixed})
    this.keepHosts = new Set(opts.keepHosts ?? [])
    this.services = opts.services ?? false
    this.systemPaths = [...SYSTEM_PATHS, ...(opts.allowPaths ?? []).filter((p) => p.startsWith('/')).map((p) => posix.normalize(p).replace(/(.)\/+$/, '$1'))]
    this.hmacKey = key.names
  }

  /** `prefix` and `hexDigits` hex digits of the keyed hash of (kind, value). */
  private hash(kind: string, value: string, prefix: string, hexDigits = 12): string {
    return prefix + createHmac('sha256', this.hmacKey).update(kind).update('\0').update(value).digest('hex').slice(0, hexDigits)
  }

  private memoised(kind: MapKind, value: string, make: () => string): string {
    const k = `${kind}\0${value}`
    let v = this.memo.get(k)
    if (v === undefined) {
      v = make()
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear()
      this.memo.set(k, v)
      this.onMap?.(kind, value, v)
    }
    return v
  }

  /** A host name, hostname or node Host field: `host-` and 12 hex digits, unless kept. Empty stays empty. */
  host(name: string): string {
    if (name === '' || this.keepHosts.has(name)) return name
    return this.memoised('host', name, () => this.hash('host', name, 'host-'))
  }

  /** A Skydive id (node ID, TID, flow UUID, edge ends): `id-` and 16 hex digits. */
  id(id: string): string {
    if (id === '') return id
    return this.memoised('id', id, () => this.hash('id', id, 'id-', 16))
  }

  /**
   * A canonical address: loopback and unspecified unchanged, link-local and multicast in their
   * class, kept ranges unchanged, every other address through Crypto-PAn; `::ffff:a.b.c.d` as
   * its IPv4 address (fm's canonical form). A zone (`%eth0`) is redacted as an interface name;
   * text that is no address becomes `addr-` and a hash.
   */
  address(a: string): string {
    if (a === '' || a === '*') return a
    return this.memoised('address', a, () => {
      const zone = a.indexOf('%')
      const bare = zone >= 0 ? a.slice(0, zone) : a
      const b = addressBytes(bare)
      if (!b) return this.hash('address', a, 'addr-')
      const z = zone >= 0 ? `%${this.interfaceName(a.slice(zone + 1))}` : ''
      if (this.keepAddresses.check(bare, b.length === 4 ? 'ipv4' : 'ipv6')) return bytesToAddress(b) + z
      const mapped = b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff
      return bytesToAddress(this.pan.anonymizeBytes(mapped ? b.subarray(12) : b)) + z
    })
  }

  /** An interface name: generic ones (`eth0`, `docker0`, `br-int`, ...) kept, others `if-` and 12 hex digits (15 characters, as Linux allows). */
  interfaceName(name: string): string {
    if (GENERIC_INTERFACE.test(name) || name === '') return name
    return this.memoised('interface', name, () => this.hash('interface', name, 'if-'))
  }

  /** A network namespace name: `ns-` and 12 hex digits. */
  netnsName(name: string): string {
    if (name === '') return name
    return this.memoised('netns', name, () => this.hash('netns', name, 'ns-'))
  }

  /** An interface type: Skydive's types kept, anything else `other`. */
  interfaceType(type: string): string {
    return INTERFACE_TYPES.has(type) ? type : 'other'
  }

  /** A socket protocol or state: the known ones kept, anything else a hash (equal texts stay equal). */
  protocol(p: string): string {
    return PROTOCOLS.has(p) ? p : this.memoised('text', p, () => this.hash('text', p, 'x-', 8).toUpperCase())
  }

  state(s: string): string {
    return STATES.has(s) ? s : this.memoised('text', s, () => this.hash('text', s, 'x-', 8).toUpperCase())
  }

  /** A process name (comm): kept, or with `services` `s-` and 12 hex digits (14 characters: a comm holds 15). */
  processName(name: string): string {
    if (!this.services || name === '') return name
    return this.memoised('process-name', name, () => this.hash('process-name', name, 's-'))
  }

  /**
   * An executable path, judged as the kernel would resolve it: an absolute path is normalised
   * first (`/usr/bin/../../home/alice/app` is `/home/alice/app`, `//` is `/`), so no `..` or
   * doubled slash can pass a site's path off as a system one. Directly in a program directory
   * (`/usr/bin`, ...) or anywhere under another system directory (`/usr/lib`, `--allow-path`)
   * it is kept whole. Elsewhere the leading standard or system directories are kept (`/home`,
   * `/opt`, `/usr/bin`, ...), every other directory becomes `d-` and a keyed hash of it (so one
   * user's home is one pseudonym everywhere), and the base name is kept (with `services`, `p-`
   * and a hash). A path without `/` is a base name.
   */
  path(p: string): string {
    if (p === '') return p
    return this.memoised('path', p, () => {
      const path = p.startsWith('/') ? posix.normalize(p) : p
      const slash = path.lastIndexOf('/')
      const dir = slash >= 0 ? path.slice(0, slash) : null
      const base = path.slice(slash + 1)
      const newBase = this.services && base !== '' ? this.hash('base', base, 'p-') : base
      if (dir === null) return newBase
      if (this.systemPaths.some((s) => dir === s || (dir.startsWith(s + '/') && !PROGRAM_DIRS.has(s)))) return `${dir}/${newBase}`
      const parts = dir.split('/')
      let kept = 1 // parts[0] is '' for an absolute path
      if (parts[0] === '') {
        const standard = (prefix: string): boolean => GENERIC_DIRS.includes(prefix) || this.systemPaths.includes(prefix)
        while (kept < parts.length && standard(parts.slice(0, kept + 1).join('/'))) kept++
      } else kept = 0
      const out = parts.map((c, i) => (i < kept || c === '' || c === '.' || c === '..' ? c : this.hash('dir', c, 'd-')))
      return `${out.join('/')}/${newBase}`
    })
  }
}

/** Reads one kept address or CIDR; a UsageError names it when it is neither. */
function parseKeptRange(cidr: string): {bytes: Uint8Array; prefix: number} {
  const slash = cidr.indexOf('/')
  const b = addressBytes(slash >= 0 ? cidr.slice(0, slash) : cidr)
  const max = b ? b.length * 8 : 0
  const prefix = slash >= 0 ? Number(cidr.slice(slash + 1)) : max
  if (!b || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (slash >= 0 && !/^\d+$/.test(cidr.slice(slash + 1)))) {
    throw new UsageError(`kept address ${JSON.stringify(cidr)} is not an address or CIDR (such as 10.0.0.0/8 or 2001:db8::/32)`)
  }
  // an IPv4-mapped range is the IPv4 range fm's canonical addresses use
  if (b.length === 16 && prefix >= 96 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return parseKeptRange(`${b.subarray(12).join('.')}/${prefix - 96}`)
  // the network address: host bits cleared, so BlockList and the fixed range agree
  const net = Uint8Array.from(b)
  for (let i = prefix; i < max; i++) net[i >> 3] &= ~(0x80 >> (i & 7))
  return {bytes: net, prefix}
}
