import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {isIPv6} from 'node:net'
import {addressBytes, addressFamily, bytesToAddress, canonicalAddress, cmp, hexIPv6Bytes, hostPort, isLinkLocal, isLoopback, isWildcard, parseCidr} from '../src/index.js'

describe('canonicalAddress', () => {
  test.for([
    ['10.0.0.5', '10.0.0.5'],
    ['::ffff:10.0.0.5', '10.0.0.5'],
    ['::FFFF:10.0.0.5', '10.0.0.5'],
    ['::ffff:10.0.0.5%eth0', '10.0.0.5%eth0'],
    ['::ffff:10.0.0.05', '::ffff:10.0.0.05'],
    ['::ffff:256.0.0.5', '::ffff:256.0.0.5'],
    ['::ffff:a00:5', '10.0.0.5'],
    ['0:0:0:0:0:ffff:10.0.0.5', '10.0.0.5'],
    ['FE80:0000:0000:0000:0202:B3FF:FE1E:8329', 'fe80::202:b3ff:fe1e:8329'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8::0001', '2001:db8::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::', '::'],
    ['0.0.0.0', '0.0.0.0'],
    ['fe80::1%eth0', 'fe80::1%eth0'],
    ['::10.0.0.1', '::a00:1'],
    ['not-an-address', 'not-an-address'],
    ['', ''],
  ])('%s → %s', ([input, expected]) => {
    expect(canonicalAddress(input)).toBe(expected)
  })
})

describe('address classes', () => {
  test('family, wildcard, loopback and link-local', () => {
    expect([addressFamily('10.0.0.1'), addressFamily('::1'), addressFamily('x')]).toEqual([4, 6, 0])
    expect(['0.0.0.0', '::', '', '*', '10.0.0.1'].map(isWildcard)).toEqual([true, true, true, true, false])
    expect(['127.0.0.1', '127.1.2.3', '::1', '10.0.0.1', '::'].map(isLoopback)).toEqual([true, true, true, false, false])
    expect(['169.254.1.1', 'fe80::1', 'febf::1', 'fec0::1', '10.0.0.1'].map(isLinkLocal)).toEqual([true, true, true, false, false])
  })

  test('parseCidr splits a CIDR string into canonical address and prefix', () => {
    expect(parseCidr('192.168.50.1/24')).toEqual({address: '192.168.50.1', prefix: 24})
    expect(parseCidr('FE80::1/64')).toEqual({address: 'fe80::1', prefix: 64})
    expect(parseCidr('10.0.0.1')).toEqual({address: '10.0.0.1', prefix: null})
    expect(parseCidr('garbage/8')).toBeNull()
  })
})

describe('cmp', () => {
  test('orders strings by code point, like SQLite orders UTF-8 text', () => {
    const words = ['b', 'a', 'ab', '', 'A', '\uffff', '\u{1f600}', '\ue000', 'é', 'z']
    const byCodePoint = [...words].sort((a, b) => {
      const x = [...a].map((c) => c.codePointAt(0)!)
      const y = [...b].map((c) => c.codePointAt(0)!)
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i]
      return x.length - y.length
    })
    expect([...words].sort(cmp)).toEqual(byCodePoint)
    expect(cmp('\u{1f600}', '\uffff')).toBeGreaterThan(0)
    expect(cmp('same', 'same')).toBe(0)
  })
})

describe('addressBytes', () => {
  test.for([
    ['10.0.0.5', [10, 0, 0, 5]],
    ['::ffff:10.0.0.5', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, 0, 5]],
    ['2001:db8::1', [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['::', Array(16).fill(0)],
    ['fe80::1:2', [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2]],
  ] as [string, number[]][])('reads %s', ([text, b]) => {
    expect(Array.from(addressBytes(text)!)).toEqual(b)
  })

  test.for(['', 'host-1', '10.0.0', '1::2::3'])('is null for %j', (text) => {
    expect(addressBytes(text)).toBeNull()
  })

  test('bytesToAddress and addressBytes round-trip IPv6', () => {
    fc.assert(
      fc.property(fc.uint8Array({minLength: 16, maxLength: 16}), (b) => {
        const text = bytesToAddress(b)
        const back = addressBytes(text)!
        expect(back.length === 4 ? Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, ...back]) : back).toEqual(b)
      }),
    )
  })

  // runs of zero groups make the compression interesting: bias the groups towards 0
  const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({min: 0, max: 0xffff}))
  test('bytesToAddress compresses IPv6 as the WHATWG URL parser does (RFC 5952)', () => {
    fc.assert(
      fc.property(fc.array(group, {minLength: 8, maxLength: 8}), (groups) => {
        fc.pre(!(groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)) // IPv4-mapped: fm prints the IPv4 address
        const b = Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 255]))
        const text = bytesToAddress(b)
        expect(`[${text}]`).toBe(new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname)
        expect(canonicalAddress(text.toUpperCase())).toBe(text)
      }),
    )
  })
})

describe('hostPort', () => {
  test.for([
    ['10.0.0.5', 80, '10.0.0.5:80'],
    ['fd00::5', 80, '[fd00::5]:80'],
    ['fe80::1%eth0', '53', '[fe80::1%eth0]:53'],
    ['analyzer.example', 8082, 'analyzer.example:8082'],
    ['', 0, ':0'],
  ] as const)('%s and %s → %s', ([a, p, want]) => {
    expect(hostPort(a, p)).toBe(want)
  })
})

describe('hexIPv6Bytes (canonicalAddress without the regex)', () => {
  // texts of hex digits and colons, valid or not: the hand parser must agree with node's isIPv6
  // and addressBytes wherever it answers, and answer for every valid one
  const group = fc.stringMatching(/^[0-9a-f]{1,5}$/)
  const text = fc.oneof(
    fc.array(fc.oneof(group, fc.constant(''), fc.constant(':')), {maxLength: 10}).map((g) => g.join(':')),
    fc.stringMatching(/^[0-9a-f:]{0,40}$/),
  )
  test('agrees with isIPv6 and addressBytes', () => {
    fc.assert(
      fc.property(text, (t) => {
        const fast = hexIPv6Bytes(t)
        if (fast) expect([...fast]).toStrictEqual([...addressBytes(t)!])
        expect(fast !== null).toBe(isIPv6(t))
      }),
      {numRuns: 3000},
    )
  })
  test.for(['::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', 'fd00:10::fb'])('%s', (t) => {
    expect([...hexIPv6Bytes(t)!]).toStrictEqual([...addressBytes(t)!])
  })
  test.for([':', ':::', '1:2:3:4:5:6:7:8:9', '1::2::3', '1:2:3:4:5:6:7:8::', '12345::', ':1::', '1:', '', '1'])('%s is none', (t) => {
    expect(hexIPv6Bytes(t)).toBeNull()
    expect(isIPv6(t)).toBe(false)
  })
})
