import fc from 'fast-check'
import {bytesToAddress} from '@fm/model'
import {describe, expect, test} from 'vitest'
import {globMatch, inAddressRange, isAddressRange, parseMinSeen, resolveMinSeen} from '../src/index.js'

describe('globMatch', () => {
  test.for([
    ['web-*', 'web-01', true],
    ['web-*', 'db-01', false],
    ['*', '', true],
    ['n?de', 'node', true],
    ['n?de', 'nde', false],
    ['a.b', 'axb', false],
    ['/usr/*', '/usr/sbin/sshd', true],
    ['(x)+', '(x)+', true],
  ] as const)('%s against %s is %s', ([g, t, want]) => {
    expect(globMatch(g, t)).toBe(want)
  })
})

describe('inAddressRange', () => {
  test.for([
    ['10.1.2.3', '10.0.0.0/8', true],
    ['11.1.2.3', '10.0.0.0/8', false],
    ['192.168.50.254', '192.168.50.0/24', true],
    ['192.168.51.1', '192.168.50.0/24', false],
    ['10.0.0.5', '10.0.0.5', true],
    ['fe80::1', 'fe80::/10', true],
    ['fec0::1', 'fe80::/10', false],
    ['fe80::1%eth0', 'fe80::/10', true],
    ['fe80::1%eth0', 'fe80::1%eth1', true],
    ['fd00:10::1a', 'fd00:10::/64', true],
    ['10.0.0.1', '::/0', false],
    ['0.0.0.0', '0.0.0.0/0', true],
    ['192.168.1.7', '192.168.*', true],
    ['::1', '::1', true],
    // IPv4-mapped ranges are the IPv4 ranges they map, since addresses are canonical
    ['10.200.0.1', '::ffff:10.0.0.0/104', true],
    ['11.0.0.1', '::ffff:10.0.0.0/104', false],
    ['10.0.0.7', '::ffff:10.0.0.7', true],
    ['10.0.0.7', '::ffff:10.0.0.7/128', true],
    ['10.0.0.8', '::ffff:10.0.0.7/128', false],
    ['1.2.3.4', '::ffff:0:0/96', true],
    ['::1', '::ffff:0:0/96', false],
  ] as const)('%s in %s is %s', ([a, r, want]) => {
    expect(inAddressRange(a, r)).toBe(want)
  })

  const mapped = (b: Uint8Array): boolean => b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff
  const address = fc.oneof(fc.uint8Array({minLength: 4, maxLength: 4}), fc.uint8Array({minLength: 16, maxLength: 16}))
  test('holds an address exactly when it shares the range\'s first prefix bits', () => {
    fc.assert(
      fc.property(address, fc.nat(), fc.nat(), (b, p, k) => {
        const bits = b.length * 8
        const prefix = p % (bits + 1)
        const flip = k % bits
        const other = Uint8Array.from(b)
        other[flip >> 3] ^= 0x80 >> (flip & 7)
        fc.pre(!mapped(b) && !mapped(other))
        const range = `${bytesToAddress(b)}/${prefix}`
        expect(inAddressRange(bytesToAddress(b), range)).toBe(true)
        expect(inAddressRange(bytesToAddress(other), range)).toBe(flip >= prefix)
        // the IPv4-mapped spelling of an IPv4 range is the same range
        if (b.length === 4) expect(inAddressRange(bytesToAddress(other), `::ffff:${bytesToAddress(b)}/${prefix + 96}`)).toBe(flip >= prefix)
        // a range never holds an address of the other family
        expect(inAddressRange(b.length === 4 ? '::1' : '10.0.0.1', `${bytesToAddress(b)}/0`)).toBe(false)
      }),
    )
  })
})

test.for([
  ['::ffff:10.0.0.0/104', true],
  ['::ffff:10.0.0.0/96', true],
  ['::ffff:10.0.0.0/95', false],
  ['::ffff:10.0.0.0/129', false],
  ['10.0.0.0/33', false],
  ['10.0.0.0/', false],
  ['fd00::/64', true],
  ['fd00::/x', false],
] as const)('isAddressRange(%s) is %s', ([r, want]) => {
  expect(isAddressRange(r)).toBe(want)
})

describe('--min-seen', () => {
  test.for([
    ['1', 3, 1],
    ['2', 3, 2],
    ['9', 3, 3],
    ['0.5', 3, 2],
    ['50%', 4, 2],
    ['100%', 3, 3],
    ['.1', 3, 1],
  ] as const)('%s of %i snapshots is %i', ([text, n, k]) => {
    expect(resolveMinSeen(parseMinSeen(text), n)).toBe(k)
  })

  test.for(['0', '-1', 'abc', '0%', '150%', '1.5'])('rejects %s as a usage error', (text) => {
    expect(() => parseMinSeen(text)).toThrow(/`minSeen` must be/)
  })
})
