import {addressBytes, addressFamily, bytesToAddress, canonicalAddress} from '@fm/model'

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
  return {family, base: mask(toNumber(addr), family, prefix), prefix}
}

/** `10.0.0.5` for a single address, `10.0.0.0/24` otherwise. */
export function netText(n: Net): string {
  const a = netAddress(n)
  return n.prefix === BITS[n.family] ? a : `${a}/${n.prefix}`
}

/** The range's first address (`10.0.0.0` for `10.0.0.0/24`). */
export function netAddress(n: Net): string {
  return fromNumber(n.base, n.family)
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

function toNumber(addr: string): bigint {
  return addressBytes(addr)!.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n)
}

function fromNumber(v: bigint, family: 4 | 6): string {
  const b = new Uint8Array(BITS[family] / 8)
  for (let i = b.length - 1, x = v; i >= 0; i--, x >>= 8n) b[i] = Number(x & 255n)
  return bytesToAddress(b)
}
