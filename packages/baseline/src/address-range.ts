import {BlockList} from 'node:net'
import {addressFamily, parseCidr} from '@fm/model'
import {globMatch, isGlob} from './glob.js'

/**
 * True when `address` (canonical) lies in `range`: a CIDR (`10.0.0.0/8`, `fe80::/10`),
 * a single address, or a glob on the address text (`192.168.*`).
 */
export function inAddressRange(address: string, range: string): boolean {
  if (isGlob(range)) return globMatch(range, address)
  const r = rangeList(range)
  const a = withoutZone(address)
  const fam = addressFamily(a)
  // one family per range: Node's BlockList would let `::/0` hold every IPv4 address (as ::ffff:a.b.c.d)
  return r !== null && fam === r.family && r.list.check(a, fam === 4 ? 'ipv4' : 'ipv6')
}

/** True when `range` is something inAddressRange understands. */
export function isAddressRange(range: string): boolean {
  return isGlob(range) || parseRange(range) !== null
}

/** Ranges come from a baseline's few rules but are asked about for every edge: each is read once. */
const lists = new Map<string, {family: 4 | 6; list: BlockList} | null>()

function rangeList(range: string): {family: 4 | 6; list: BlockList} | null {
  let r = lists.get(range)
  if (r !== undefined) return r
  const p = parseRange(range)
  r = null
  if (p) {
    const list = new BlockList()
    list.addSubnet(p.address, p.prefix, p.family === 4 ? 'ipv4' : 'ipv6')
    r = {family: p.family, list}
  }
  if (lists.size >= 10_000) lists.clear()
  lists.set(range, r)
  return r
}

const withoutZone = (a: string): string => {
  const zone = a.indexOf('%')
  return zone >= 0 ? a.slice(0, zone) : a
}

/**
 * A range's canonical address (without zone), family and prefix (a single address: the full
 * length). An IPv4-mapped range (`::ffff:10.0.0.0/104`) is the IPv4 range it maps (`10.0.0.0/8`),
 * as addresses are canonical; below /96 it would also hold IPv6 addresses, so it is refused.
 */
function parseRange(range: string): {address: string; family: 4 | 6; prefix: number} | null {
  const slash = range.indexOf('/')
  const text = slash < 0 ? range : range.slice(0, slash)
  const r = parseCidr(text)
  if (!r) return null
  const address = withoutZone(r.address)
  const family = addressFamily(address) as 4 | 6
  const max = family === 4 ? 32 : 128
  if (slash < 0) return {address, family, prefix: max}
  const bits = range.slice(slash + 1)
  if (!/^\d{1,3}$/.test(bits)) return null
  let prefix = Number(bits)
  if (family === 4 && text.includes(':')) {
    if (prefix < 96 || prefix > 128) return null
    prefix -= 96
  }
  return prefix <= max ? {address, family, prefix} : null
}
