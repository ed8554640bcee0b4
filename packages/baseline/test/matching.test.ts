import {describe, expect, test} from 'vitest'
import {globMatch, inAddressRange, parseMinSeen, resolveMinSeen, serviceName} from '../src/index.js'

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
    ['fd00:10::1a', 'fd00:10::/64', true],
    ['10.0.0.1', '::/0', false],
    ['0.0.0.0', '0.0.0.0/0', true],
    ['192.168.1.7', '192.168.*', true],
    ['::1', '::1', true],
  ] as const)('%s in %s is %s', ([a, r, want]) => {
    expect(inAddressRange(a, r)).toBe(want)
  })
})

describe('serviceName', () => {
  test('is the process name, else the executable file name, else ?', () => {
    expect(serviceName({name: 'nova-api', process: '/usr/bin/python3.9'})).toBe('nova-api')
    expect(serviceName({name: '', process: '/usr/sbin/sshd'})).toBe('sshd')
    expect(serviceName({name: '', process: ''})).toBe('?')
  })
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
