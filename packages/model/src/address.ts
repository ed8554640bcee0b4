import {isIPv4, isIPv6} from 'node:net'

/** Canonical form of an address: IPv4-mapped IPv6 → IPv4, IPv6 lower-case compressed. Unknown text is kept as is. */
export function canonicalAddress(raw: string): string {
  const a = raw.trim()
  if (a === '' || a === '*') return a
  if (isIPv4(a)) return a
  const lower = a.toLowerCase()
  const zone = lower.indexOf('%')
  const bare = zone >= 0 ? lower.slice(0, zone) : lower
  // the common IPv4-mapped form, without the IPv6 parse: its canonical text is the IPv4 address
  if (bare.startsWith('::ffff:') && isIPv4(bare.slice(7))) return bare.slice(7) + (zone >= 0 ? lower.slice(zone) : '')
  const hex = hexIPv6Bytes(bare)
  if (hex) return bytesToAddress(hex) + (zone >= 0 ? lower.slice(zone) : '')
  if (!isIPv6(bare)) return a
  const b = addressBytes(bare)
  if (!b) return a
  return bytesToAddress(b) + (zone >= 0 ? lower.slice(zone) : '')
}

/**
 * The bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) address text, any spelling (`::ffff:10.0.0.5`,
 * `FE80:0:0::1`), or null for any other text. A zone (`%eth0`) must be removed first.
 */
export function addressBytes(text: string): Uint8Array | null {
  if (isIPv4(text)) return Uint8Array.from(text.split('.').map(Number))
  if (!isIPv6(text)) return null
  let t = text.toLowerCase()
  const lastColon = t.lastIndexOf(':')
  const last = t.slice(lastColon + 1)
  if (isIPv4(last)) {
    // `::ffff:10.0.0.5`: the dotted tail is the last two groups
    const p = last.split('.').map(Number)
    t = `${t.slice(0, lastColon + 1)}${((p[0] << 8) | p[1]).toString(16)}:${((p[2] << 8) | p[3]).toString(16)}`
  }
  const [head, rest] = t.split('::') as [string, string | undefined]
  const h = head ? head.split(':').filter((x) => x !== '').map((x) => parseInt(x, 16)) : []
  const r = rest !== undefined && rest !== '' ? rest.split(':').filter((x) => x !== '').map((x) => parseInt(x, 16)) : []
  const fill = rest !== undefined ? 8 - h.length - r.length : 0
  const groups = [...h, ...Array<number>(fill).fill(0), ...r]
  if (groups.length !== 8) return null
  const out = new Uint8Array(16)
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8
    out[2 * i + 1] = g & 255
  })
  return out
}

/**
 * The bytes of an IPv6 address written in hex groups only (lower case, no dotted IPv4 tail, no
 * zone), parsed by hand: the common spelling, without node's isIPv6 regex; null for any other
 * text (which may still be an address: addressBytes decides).
 */
export function hexIPv6Bytes(t: string): Uint8Array | null {
  const n = t.length
  if (n < 2 || n > 39) return null
  const groups: number[] = []
  let gap = -1
  let i = 0
  if (t.charCodeAt(0) === 0x3a) {
    if (t.charCodeAt(1) !== 0x3a) return null
    gap = 0
    i = 2
    if (i === n) return expand(groups, gap)
  }
  for (;;) {
    let v = 0
    let digits = 0
    while (i < n) {
      const c = t.charCodeAt(i)
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1
      if (d < 0) break
      v = v * 16 + d
      digits++
      i++
    }
    if (digits === 0 || digits > 4) return null
    groups.push(v)
    if (i === n) break
    if (t.charCodeAt(i) !== 0x3a) return null
    i++
    if (i < n && t.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return null
      gap = groups.length
      i++
      if (i === n) break
    } else if (i === n) return null
  }
  return expand(groups, gap)
}

/** 16 bytes from hex groups, `gap` the index where `::` stands for at least one zero group (-1: none). */
function expand(groups: number[], gap: number): Uint8Array | null {
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return null
  const out = new Uint8Array(16)
  const tail = groups.length - (gap < 0 ? groups.length : gap)
  for (let g = 0; g < groups.length; g++) {
    const at = gap < 0 || g < gap ? g : 8 - tail + (g - gap)
    out[2 * at] = groups[g] >> 8
    out[2 * at + 1] = groups[g] & 255
  }
  return out
}

/**
 * The canonical text of 4 or 16 address bytes: IPv6 lower-case compressed, and an IPv4-mapped
 * IPv6 address (`::ffff:a.b.c.d`) as its IPv4 address, as everywhere in fm.
 */
export function bytesToAddress(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`
  let mapped = b[10] === 0xff && b[11] === 0xff
  for (let i = 0; mapped && i < 10; i++) mapped = b[i] === 0
  if (mapped) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1])
  return compressIPv6(groups)
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

/**
 * Splits a CIDR string into its canonical address and prefix length; null when it is no address.
 * `canonical` is canonicalAddress, or a cache in front of it.
 */
export function parseCidr(cidr: string, canonical: (raw: string) => string = canonicalAddress): {address: string; prefix: number | null} | null {
  const slash = cidr.indexOf('/')
  const address = canonical(slash >= 0 ? cidr.slice(0, slash) : cidr)
  if (addressFamily(address) === 0) return null
  const prefix = slash >= 0 ? Number(cidr.slice(slash + 1)) : null
  return {address, prefix: prefix !== null && Number.isInteger(prefix) ? prefix : null}
}

/** `10.0.0.5:80`, and `[fd00::5]:80` for an IPv6 address (its colons would run into the port's). */
export function hostPort(address: string, port: number | string): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`
}
