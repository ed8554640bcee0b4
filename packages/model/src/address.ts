import {isIPv4, isIPv6} from 'node:net'

/** Canonical form of an address: IPv4-mapped IPv6 → IPv4, IPv6 lower-case compressed. Unknown text is kept as is. */
export function canonicalAddress(raw: string): string {
  const a = raw.trim()
  if (a === '' || a === '*') return a
  if (isIPv4(a)) return a
  const lower = a.toLowerCase()
  const zone = lower.indexOf('%')
  const bare = zone >= 0 ? lower.slice(0, zone) : lower
  if (!isIPv6(bare)) return a
  const groups = expandIPv6(bare)
  // ::ffff:a.b.c.d and its hex spelling ::ffff:0a00:0005
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`
  }
  return compressIPv6(groups) + (zone >= 0 ? lower.slice(zone) : '')
}

function expandIPv6(a: string): number[] {
  let text = a
  const tail: number[] = []
  const lastColon = text.lastIndexOf(':')
  const last = text.slice(lastColon + 1)
  if (isIPv4(last)) {
    const p = last.split('.').map(Number)
    tail.push((p[0] << 8) | p[1], (p[2] << 8) | p[3])
    text = text.slice(0, lastColon + 1) + '0'
  }
  const [head, rest] = text.split('::') as [string, string | undefined]
  const h = head ? head.split(':').map((x) => parseInt(x, 16)) : []
  const r = rest !== undefined && rest !== '' ? rest.split(':').map((x) => parseInt(x, 16)) : []
  if (tail.length) (rest !== undefined ? r : h).pop()
  const fill = rest !== undefined ? 8 - h.length - r.length - tail.length : 0
  return [...h, ...Array(fill).fill(0), ...r, ...tail]
}

function compressIPv6(g: number[]): string {
  let best = -1
  let bestLen = 1
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue }
    let j = i
    while (j < 8 && g[j] === 0) j++
    if (j - i > bestLen) { best = i; bestLen = j - i }
    i = j
  }
  const hex = g.map((x) => x.toString(16))
  if (best < 0) return hex.join(':')
  return hex.slice(0, best).join(':') + '::' + hex.slice(best + bestLen).join(':')
}

/** 4, 6, or 0 for text that is no IP address. */
export function addressFamily(a: string): 0 | 4 | 6 {
  if (isIPv4(a)) return 4
  const zone = a.indexOf('%')
  return isIPv6(zone >= 0 ? a.slice(0, zone) : a) ? 6 : 0
}

/** True for the any-address of either family (`0.0.0.0`, `::`), and for empty or `*`. */
export function isWildcard(a: string): boolean {
  return a === '0.0.0.0' || a === '::' || a === '' || a === '*'
}

/** True for 127.0.0.0/8 and ::1 (canonical addresses). */
export function isLoopback(a: string): boolean {
  return a === '::1' || (a.startsWith('127.') && isIPv4(a))
}

/** True for 169.254.0.0/16 and fe80::/10 (canonical addresses). */
export function isLinkLocal(a: string): boolean {
  if (a.startsWith('169.254.') && isIPv4(a)) return true
  return /^fe[89ab][0-9a-f]:/.test(a)
}

/** Splits a CIDR string into its canonical address and prefix length; null when it is no address. */
export function parseCidr(cidr: string): {address: string; prefix: number | null} | null {
  const slash = cidr.indexOf('/')
  const address = canonicalAddress(slash >= 0 ? cidr.slice(0, slash) : cidr)
  if (addressFamily(address) === 0) return null
  const prefix = slash >= 0 ? Number(cidr.slice(slash + 1)) : null
  return {address, prefix: prefix !== null && Number.isInteger(prefix) ? prefix : null}
}
