import {canonicalAddress} from '@fm/model'

/**
 * Canonical address of an `ss` or `ip` address text: brackets and scope ids (`%eth0`, also the
 * `%lo` of a socket bound to a device) dropped, IPv4-mapped IPv6 as IPv4, IPv6 compressed.
 * `*` stays `*` here; the socket decides its family.
 */
export function collectedAddress(text: string): string {
  let a = text
  if (a.startsWith('[')) {
    const close = a.indexOf(']')
    a = close > 0 ? a.slice(1, close) : a.slice(1)
  }
  const zone = a.indexOf('%')
  if (zone >= 0) a = a.slice(0, zone)
  return canonicalAddress(a)
}

/** Splits an ss endpoint (`10.0.0.1:22`, `[::1]:631`, `:::22`, `*:*`, `[fe80::1]%eth0:22`, `127.0.0.53%lo:53`) into address and port. */
export function ssEndpoint(text: string): {address: string; port: number} | null {
  const colon = text.lastIndexOf(':')
  if (colon <= 0) return null
  const portText = text.slice(colon + 1)
  const port = portText === '*' ? 0 : Number(portText)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null
  let host = text.slice(0, colon)
  // `[addr]%dev` (newer ss): the zone sits after the bracket
  if (host.startsWith('[') && host.includes(']')) host = host.slice(0, host.indexOf(']') + 1)
  const address = host === '*' ? '*' : collectedAddress(host)
  if (address === '') return null
  return {address, port}
}

/** Decodes a /proc/net/{tcp,udp}[6] address (`0100007F:1F90`, 32 hex digits for IPv6) on a little-endian host. */
export function procEndpoint(text: string): {address: string; port: number} | null {
  const [hex, portHex] = text.split(':')
  if (!portHex || !/^[0-9A-Fa-f]{4}$/.test(portHex)) return null
  const port = parseInt(portHex, 16)
  if (/^[0-9A-Fa-f]{8}$/.test(hex)) {
    const b = word(hex)
    return {address: b.join('.'), port}
  }
  if (/^[0-9A-Fa-f]{32}$/.test(hex)) {
    const bytes: number[] = []
    for (let i = 0; i < 32; i += 8) bytes.push(...word(hex.slice(i, i + 8)))
    const groups: string[] = []
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16))
    return {address: canonicalAddress(groups.join(':')), port}
  }
  return null
}

/** One 32-bit word as the kernel prints it (%08X of a network-order value read in host order). */
function word(hex: string): number[] {
  const n = parseInt(hex, 16)
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255]
}

/** Wildcard of the family of `other` (for ss's `*`): `::` next to IPv6, else `0.0.0.0`. */
export function wildcardLike(other: string): string {
  return other.includes(':') ? '::' : '0.0.0.0'
}
