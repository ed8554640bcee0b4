import {addressFamily, canonicalAddress, parseCidr} from '@fm/model'
import {globMatch, isGlob} from './glob.js'

/**
 * True when `address` (canonical) lies in `range`: a CIDR (`10.0.0.0/8`, `fe80::/10`),
 * a single address, or a glob on the address text (`192.168.*`).
 */
export function inAddressRange(address: string, range: string): boolean {
  if (isGlob(range)) return globMatch(range, address)
  const r = parseCidr(range)
  if (!r) return false
  const fam = addressFamily(address)
  if (fam === 0 || fam !== addressFamily(r.address)) return false
  const bits = fam === 4 ? 32 : 128
  const prefix = r.prefix ?? bits
  const shift = BigInt(bits - prefix)
  return toBigInt(address) >> shift === toBigInt(r.address) >> shift
}

/** True when `range` is something inAddressRange understands. */
export function isAddressRange(range: string): boolean {
  if (isGlob(range)) return true
  const slash = range.indexOf('/')
  const r = parseCidr(range)
  if (!r) return false
  const max = addressFamily(r.address) === 4 ? 32 : 128
  return slash < 0 || (r.prefix !== null && r.prefix >= 0 && r.prefix <= max && /^\d+$/.test(range.slice(slash + 1)))
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
