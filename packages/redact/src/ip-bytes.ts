import {isIPv4, isIPv6} from 'node:net'
import {canonicalAddress} from '@fm/model'

/** The bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) address text, or null for any other text. A zone (`%eth0`) must be removed first. */
export function ipBytes(text: string): Uint8Array | null {
  if (isIPv4(text)) return Uint8Array.from(text.split('.').map(Number))
  if (!isIPv6(text)) return null
  let t = text.toLowerCase()
  const out = new Uint8Array(16)
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
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8
    out[2 * i + 1] = g & 255
  })
  return out
}

/** The canonical text of 4 or 16 address bytes (IPv6 compressed; an IPv4-mapped IPv6 address becomes IPv4, as everywhere in fm). */
export function bytesToIp(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.')
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16))
  return canonicalAddress(groups.join(':'))
}

/** Whether the first `bits` bits of two addresses are equal. */
export function samePrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const whole = bits >> 3
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false
  const rest = bits & 7
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return (a[whole] & mask) === (b[whole] & mask)
}

/** Length of the longest common prefix of two addresses of one family, in bits. */
export function commonPrefixLength(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ^ b[i]
    if (x !== 0) return i * 8 + Math.clz32(x) - 24
  }
  return a.length * 8
}
