import {addressFamily, canonicalAddress, parseCidr} from '@fm/model'
import {globMatch, isGlob} from './glob.js'

/**
 * True when `address` (canonical) lies in `range`: a CIDR (`10.0.0.0/8`, `fe80::/10`),
 * a single address, or a glob on the address text (`192.168.*`).
 */
export function inAddressRange(address: string, range: string): boolean {
  if (isGlob(range)) return globMatch(range, address)
  const r = parseRange(range)
  if (!r) return false
  const fam = addressFamily(address)
  if (fam === 0 || fam !== r.family) return false
  const shift = BigInt((fam === 4 ? 32 : 128) - r.prefix)
  return toBigInt(address) >> shift === toBigInt(r.address) >> shift
}

/** True when `range` is something inAddressRange understands. */
export function isAddressRange(range: string): boolean {
  return isGlob(range) || parseRange(range) !== null
}

/**
 * A range's canonical address, family and prefix (a single address: the full length). An
 * IPv4-mapped range (`::ffff:10.0.0.0/104`) is the IPv4 range it maps (`10.0.0.0/8`), as
 * addresses are canonical; below /96 it would also hold IPv6 addresses, so it is refused.
 */
function parseRange(range: string): {address: string; family: 4 | 6; prefix: number} | null {
  const slash = range.indexOf('/')
  const text = slash < 0 ? range : range.slice(0, slash)
  const r = parseCidr(text)
  if (!r) return null
  const family = addressFamily(r.address) as 4 | 6
  const max = family === 4 ? 32 : 128
  if (slash < 0) return {address: r.address, family, prefix: max}
  const bits = range.slice(slash + 1)
  if (!/^\d{1,3}$/.test(bits)) return null
  let prefix = Number(bits)
  if (family === 4 && text.includes(':')) {
    if (prefix < 96 || prefix > 128) return null
    prefix -= 96
  }
  return prefix <= max ? {address: r.address, family, prefix} : null
}

function toBigInt(a: string): bigint {
  const c = canonicalAddress(a).replace(/%.*$/, '')
  if (addressFamily(c) === 4) return c.split('.').reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n)
  const [head, tail] = c.split('::') as [string, string | undefined]
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  // a trailing dotted quad (::1.2.3.4) counts as two groups
  const groups = (list: string[]): number[] =>
    list.flatMap((g) => (g.includes('.') ? ((p) => [(p[0] << 8) | p[1], (p[2] << 8) | p[3]])(g.split('.').map(Number)) : [parseInt(g, 16)]))
  const hg = groups(h)
  const tg = groups(t)
  const all = tail === undefined ? hg : [...hg, ...Array(8 - hg.length - tg.length).fill(0), ...tg]
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n)
}
