import {addressFamily, canonicalAddress} from '@fm/model'

/** An address range: a family, its first address as a number, and a prefix length. */
export interface Net {
  family: 4 | 6
  base: bigint
  prefix: number
}

const BITS = {4: 32, 6: 128} as const

/** Parses `10.0.0.5`, `10.0.0.0/24`, `fd00::/8` (host bits are cleared); null when it is none of these. */
export function parseNet(text: string): Net | null {
  const slash = text.indexOf('/')
  const addr = canonicalAddress(slash >= 0 ? text.slice(0, slash) : text)
  const family = addressFamily(addr)
  if (family === 0 || addr.includes('%')) return null
  const bits = BITS[family]
  let prefix: number = bits
  if (slash >= 0) {
    const p = text.slice(slash + 1)
    if (!/^\d{1,3}$/.test(p) || Number(p) > bits) return null
    prefix = Number(p)
  }
  return {family, base: mask(toNumber(addr, family), family, prefix), prefix}
}

/** `10.0.0.5` for a single address, `10.0.0.0/24` otherwise. */
export function netText(n: Net): string {
  const a = fromNumber(n.base, n.family)
  return n.prefix === BITS[n.family] ? a : `${a}/${n.prefix}`
}

/** True when the address (or range) `inner` lies inside `outer`. */
export function netContains(outer: Net, inner: Net): boolean {
  return outer.family === inner.family && outer.prefix <= inner.prefix && mask(inner.base, inner.family, outer.prefix) === outer.base
}

/** The address widened to its network of `prefix` bits (never narrowed). */
export function widen(n: Net, prefix: number): Net {
  if (prefix >= n.prefix) return n
  return {family: n.family, base: mask(n.base, n.family, prefix), prefix}
}

/**
 * The ranges sorted, duplicates and ranges inside another removed: what an nftables interval set
 * accepts (it refuses overlapping elements) and the shortest list that says the same.
 */
export function normalizeNets(list: Iterable<Net>): Net[] {
  const sorted = [...list].sort((a, b) => a.family - b.family || (a.base < b.base ? -1 : a.base > b.base ? 1 : 0) || a.prefix - b.prefix)
  const out: Net[] = []
  for (const n of sorted) {
    const last = out[out.length - 1]
    if (last && netContains(last, n)) continue
    out.push(n)
  }
  return out
}

function mask(v: bigint, family: 4 | 6, prefix: number): bigint {
  const bits = BigInt(BITS[family])
  const host = bits - BigInt(prefix)
  return (v >> host) << host
}

function toNumber(addr: string, family: 4 | 6): bigint {
  if (family === 4) return addr.split('.').reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n)
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined]
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t]
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n)
}

function fromNumber(v: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.')
  const groups: string[] = []
  for (let i = 7; i >= 0; i--) groups.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16))
  return canonicalAddress(groups.join(':'))
}
