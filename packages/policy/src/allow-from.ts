import {netText, parseNet, type Net} from './cidr.js'

/** An admin network `--allow-from` lets reach every port a host listens on, or one port (TCP, and UDP where a host listens on it). */
export interface AllowFrom {
  net: Net
  port: number | null
}

/**
 * Parses `CIDR` or `CIDR:PORT`: `10.0.0.0/8`, `192.0.2.7:22`, `fd00::/64:22`, `[fd00::1]:22`
 * (an IPv6 address without a prefix takes a port only in brackets). Null when it is none of these.
 */
export function parseAllowFrom(text: string): AllowFrom | null {
  const t = text.trim()
  const bracket = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(t)
  let net: string = t
  let port: string | undefined
  if (bracket) [, net, port] = bracket
  else {
    // a port follows the prefix, or an IPv4 address; a bare IPv6 address ends in hex digits after a colon
    const m = /^(.*(?:\/\d{1,3}|\.\d{1,3})):(\d{1,5})$/.exec(t)
    if (m) [, net, port] = m
  }
  const n = parseNet(net)
  if (!n || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) return null
  return {net: n, port: port === undefined ? null : Number(port)}
}

/** `10.0.0.0/8` or `10.0.0.0/8:22`, as README.md and warnings show it. */
export function allowFromText(a: AllowFrom): string {
  const net = netText(a.net)
  if (a.port === null) return net
  return a.net.family === 6 && !net.includes('/') ? `[${net}]:${a.port}` : `${net}:${a.port}`
}
