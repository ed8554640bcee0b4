import {describe, expect, test} from 'vitest'
import {collectedAddress, ipAddrLine, procEndpoint, procSocket, ssEndpoint, ssState, procState} from '../src/index.js'

describe('procEndpoint decodes /proc/net addresses as a little-endian kernel prints them', () => {
  test.for<[string, {address: string; port: number} | null]>([
    ['0100007F:1F90', {address: '127.0.0.1', port: 8080}],
    ['00000000:0016', {address: '0.0.0.0', port: 22}],
    ['0F02000A:0035', {address: '10.0.2.15', port: 53}],
    ['00000000000000000000000000000000:0016', {address: '::', port: 22}],
    ['00000000000000000000000001000000:0277', {address: '::1', port: 631}],
    ['0000000000000000FFFF00000100007F:1F90', {address: '127.0.0.1', port: 8080}],
    ['000080FE00000000FF005450B6AD1DFE:0016', {address: 'fe80::5054:ff:fe1d:adb6', port: 22}],
    ['0100007F', null],
    ['XYZ:0016', null],
  ])('%s', ([text, want]) => expect(procEndpoint(text)).toEqual(want))
})

describe('ssEndpoint and collectedAddress give canonical addresses', () => {
  test.for<[string, {address: string; port: number} | null]>([
    ['*:*', {address: '*', port: 0}],
    ['[::]:*', {address: '::', port: 0}],
    ['[2001:DB8:0:0::1]:443', {address: '2001:db8::1', port: 443}],
    ['[fe80::1%eth0]:22', {address: 'fe80::1', port: 22}],
    ['0.0.0.0%lo:53', {address: '0.0.0.0', port: 53}],
    ['nocolon', null],
  ])('%s', ([text, want]) => expect(ssEndpoint(text)).toEqual(want))

  test('collectedAddress drops scope ids and maps v4-mapped addresses', () => {
    expect(collectedAddress('[::ffff:10.0.0.5]')).toBe('10.0.0.5')
    expect(collectedAddress('FE80::1%eth0')).toBe('fe80::1')
  })
})

describe('states keep Skydive\'s names', () => {
  test.for<[string, string | null]>([
    ['ESTAB', 'ESTABLISHED'], ['UNCONN', 'CLOSE'], ['LISTEN', 'LISTEN'], ['SYN-RECV', 'SYN_RECV'], ['FIN-WAIT-1', 'FIN_WAIT1'],
    ['CLOSE-WAIT', 'CLOSE_WAIT'], ['LAST-ACK', 'LAST_ACK'], ['CLOSING', 'CLOSING'], ['TIME-WAIT', 'TIME_WAIT'], ['nonsense', null],
  ])('ss %s', ([s, want]) => expect(ssState(s)).toBe(want))
  test.for<[string, string | null]>([['01', 'ESTABLISHED'], ['07', 'CLOSE'], ['0A', 'LISTEN'], ['06', 'TIME_WAIT'], ['0c', 'SYN_RECV'], ['FF', null]])(
    '/proc %s', ([s, want]) => expect(procState(s)).toBe(want),
  )
})

describe('procSocket reads /proc/net/{tcp,udp}[6] lines', () => {
  test('a listener, a connection and the header', () => {
    expect(procSocket('  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode', 'TCP')).toBe('header')
    expect(procSocket('   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 16543 1 0000000000000000 100 0 0 10 0', 'TCP'))
      .toEqual({protocol: 'TCP', localAddress: '0.0.0.0', localPort: 22, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', inode: 16543})
    expect(procSocket('  12: 0F02000A:0016 0202000A:C822 01 00000000:00000000 02:0004A5F2 00000000     0        0 19876 4 0000000000000000 20 4 30 10 -1', 'TCP'))
      .toEqual({protocol: 'TCP', localAddress: '10.0.2.15', localPort: 22, remoteAddress: '10.0.2.2', remotePort: 51234, state: 'ESTABLISHED', inode: 19876})
    expect(procSocket('  383: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 15012 2 0000000000000000 0', 'UDP'))
      .toEqual({protocol: 'UDP', localAddress: '0.0.0.0', localPort: 68, remoteAddress: '0.0.0.0', remotePort: 0, state: 'CLOSE', inode: 15012})
    expect(procSocket('garbage', 'TCP')).toBeNull()
  })
})

describe('ipAddrLine reads `ip -o addr` of old and new iproute2', () => {
  test.for<[string, string, ReturnType<typeof ipAddrLine>]>([
    ['3.10 loopback, no lifetimes', '1: lo    inet 127.0.0.1/8 scope host lo', {name: 'lo', address: {address: '127.0.0.1', prefix: 8}}],
    ['6.1 with lifetimes after a backslash', '4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever preferred_lft forever', {name: 'eth0', address: {address: '192.0.2.2', prefix: 24}}],
    ['IPv6 link-local', '4: eth0    inet6 FE80::fc:ff:fe00:1/64 scope link \\       valid_lft forever preferred_lft forever', {name: 'eth0', address: {address: 'fe80::fc:ff:fe00:1', prefix: 64}}],
    ['point-to-point: the local address before peer', '3: tun0    inet 10.8.0.1 peer 10.8.0.2/32 scope global tun0', {name: 'tun0', address: {address: '10.8.0.1', prefix: null}}],
    ['a veth shown with its peer index', '7: eth0@if8    inet 10.231.0.1/24 scope global eth0', {name: 'eth0', address: {address: '10.231.0.1', prefix: 24}}],
    ['a link line, not an address', '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP', null],
  ])('%s', ([, line, want]) => expect(ipAddrLine(line)).toEqual(want))
})
