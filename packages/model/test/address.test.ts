import {describe, expect, test} from 'vitest'
import {addressFamily, canonicalAddress, cmp, isLinkLocal, isLoopback, isWildcard, parseCidr} from '../src/index.js'

describe('canonicalAddress', () => {
  test.for([
    ['10.0.0.5', '10.0.0.5'],
    ['::ffff:10.0.0.5', '10.0.0.5'],
    ['::FFFF:10.0.0.5', '10.0.0.5'],
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
