import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {addressBytes, isLinkLocal, isLoopback, isWildcard} from '@fm/model'
import {commonPrefixLength, keyFromSecret, Pseudonymizer, SYSTEM_PATHS} from '../src/index.js'

const KEY = keyFromSecret(Buffer.alloc(32, 7))
const OTHER = keyFromSecret(Buffer.alloc(32, 8))

describe('Pseudonymizer.path', () => {
  const p = new Pseudonymizer(KEY)
  test.for([
    ['/usr/sbin/sshd', '/usr/sbin/sshd'],
    ['/usr/lib64/erlang/erts-12.3.2/bin/beam.smp', '/usr/lib64/erlang/erts-12.3.2/bin/beam.smp'],
    ['/bin/sh', '/bin/sh'],
    ['python3', 'python3'],
    ['', ''],
  ])('keeps the system path %s', ([path, expected]) => {
    expect(p.path(path)).toBe(expected)
  })

  test('pseudonymises the user of a home directory, and keeps /home and the base name', () => {
    const r = p.path('/home/safchain/go/bin/skydive')
    expect(r).toMatch(/^\/home\/d-[0-9a-f]{12}\/d-[0-9a-f]{12}\/d-[0-9a-f]{12}\/skydive$/)
    expect(r).not.toContain('safchain')
  })

  test('gives one user one pseudonym in every path', () => {
    const a = p.path('/home/alice/bin/x').split('/')[2]
    const b = p.path('/home/alice/.local/bin/y').split('/')[2]
    expect(a).toBe(b)
    expect(p.path('/home/bob/bin/x').split('/')[2]).not.toBe(a)
  })

  test.for([
    ['/opt/acme-billing/bin/billd', /^\/opt\/d-[0-9a-f]{12}\/d-[0-9a-f]{12}\/billd$/],
    ['/usr/local/acme/bin/run', /^\/usr\/local\/d-[0-9a-f]{12}\/d-[0-9a-f]{12}\/run$/],
    ['/srv/www.acme.example/app', /^\/srv\/d-[0-9a-f]{12}\/app$/],
    ['./acme/tool', /^\.\/d-[0-9a-f]{12}\/tool$/],
  ] as [string, RegExp][])('pseudonymises the site directories of %s', ([path, shape]) => {
    expect(p.path(path)).toMatch(shape)
  })

  test('keeps directories of --allow-path whole', () => {
    expect(new Pseudonymizer(KEY, {allowPaths: ['/opt/google/']}).path('/opt/google/chrome/chrome')).toBe('/opt/google/chrome/chrome')
  })

  test.for([
    ['/usr/bin/../../home/alice/app', '/home/alice/app'],
    ['/usr/bin/./../../home/alice/./bin//app', '/home/alice/bin/app'],
    ['/../../home/alice/app', '/home/alice/app'],
    ['//home//alice//app', '/home/alice/app'],
    ['/usr/lib/../../opt/acme/run', '/opt/acme/run'],
  ])('judges %s as the path it resolves to, %s', ([tricky, plain]) => {
    expect(p.path(tricky)).toBe(p.path(plain))
    expect(p.path(tricky)).not.toMatch(/alice|acme/)
  })

  test.for([
    ['/usr/bin//site/x', /^\/usr\/bin\/d-[0-9a-f]{12}\/x$/],
    ['/usr/bin/site/x', /^\/usr\/bin\/d-[0-9a-f]{12}\/x$/],
    ['/usr/local/sbin/site/tools/x', /^\/usr\/local\/sbin\/d-[0-9a-f]{12}\/d-[0-9a-f]{12}\/x$/],
    ['//usr//sbin//sshd', /^\/usr\/sbin\/sshd$/],
    ['/usr/bin/./python3', /^\/usr\/bin\/python3$/],
  ] as [string, RegExp][])('keeps only the programs directly in a program directory: %s', ([path, shape]) => {
    expect(p.path(path)).toMatch(shape)
  })

  test('no site directory survives any mix of .., . and doubled slashes after a system directory', () => {
    const seps = fc.array(fc.constantFrom('/', '//', '/./', '/.//'), {minLength: 1, maxLength: 3})
    // a name no kept directory contains, and that no hex digest can hold (it starts with g-z)
    const site = fc.stringMatching(/^[g-z]{2}[a-z0-9]{2,10}$/).filter((s) => !'/home/usr/bin/sbin/local/games/snap/tool'.includes(s))
    fc.assert(fc.property(fc.constantFrom(...SYSTEM_PATHS), seps, site, fc.boolean(), (system, sep, name, climb) => {
      const depth = system.split('/').length - 1
      // either climbing out of the system directory into a home, or a folder below a program directory
      const tricky = climb
        ? `${system}${sep.join('..')}${'/..'.repeat(depth)}/home/${name}${sep[0]}tool`
        : `${system}${sep.join('')}${name}/tool`
      const shown = p.path(tricky)
      if (!climb && !['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/snap/bin', '/usr/games'].includes(system)) return // below /usr/lib and such everything is kept, by design
      expect(shown).not.toContain(name)
      expect(shown.endsWith('/tool')).toBe(true)
    }))
  })

  test('with services, pseudonymises the base name and the process name too', () => {
    const s = new Pseudonymizer(KEY, {services: true})
    expect(s.path('/usr/sbin/sshd')).toMatch(/^\/usr\/sbin\/p-[0-9a-f]{12}$/)
    expect(s.processName('sshd')).toMatch(/^s-[0-9a-f]{12}$/)
    expect(s.processName('sshd').length).toBeLessThanOrEqual(15)
    expect(p.processName('sshd')).toBe('sshd')
  })
})

describe('Pseudonymizer names', () => {
  const p = new Pseudonymizer(KEY, {keepHosts: ['gw-1']})

  test('gives a host a stable keyed pseudonym, another one under another key', () => {
    expect(p.host('db-1')).toMatch(/^host-[0-9a-f]{12}$/)
    expect(p.host('db-1')).toBe(new Pseudonymizer(KEY).host('db-1'))
    expect(p.host('db-1')).not.toBe(new Pseudonymizer(OTHER).host('db-1'))
    expect(p.host('db-2')).not.toBe(p.host('db-1'))
  })

  test('keeps the hosts it is told to keep, and empty names', () => {
    expect(p.host('gw-1')).toBe('gw-1')
    expect(p.host('')).toBe('')
  })

  test.for(['lo', 'eth0', 'docker0', 'br-int', 'ens3', 'veth1a2b3c4', 'bond0.100'])('keeps the generic interface name %s', (name) => {
    expect(p.interfaceName(name)).toBe(name)
  })

  test.for(['tap-db-prod-1', 'vhost-acme', 'TOR_PORT_2', 'eth0-db-1'])('pseudonymises the interface name %s in 15 characters', (name) => {
    expect(p.interfaceName(name)).toMatch(/^if-[0-9a-f]{12}$/)
  })

  test('keeps known protocols and states, and hashes unknown ones consistently', () => {
    expect(p.protocol('TCP')).toBe('TCP')
    expect(p.state('ESTABLISHED')).toBe('ESTABLISHED')
    expect(p.protocol('db-1.acme')).toMatch(/^X-[0-9A-F]{8}$/)
    expect(p.protocol('db-1.acme')).toBe(p.protocol('db-1.acme'))
  })
})

describe('Pseudonymizer.address', () => {
  const p = new Pseudonymizer(KEY, {keepAddresses: ['192.0.2.0/24', '2001:db8:1::/48']})

  test.for(['127.0.0.1', '127.3.4.5', '0.0.0.0', '::', '::1', '', '*', '255.255.255.255'])('keeps %j', (a) => {
    expect(p.address(a)).toBe(a)
  })

  test.for(['192.0.2.7', '2001:db8:1::5'])('keeps %s, inside a kept range', (a) => {
    expect(p.address(a)).toBe(a)
  })

  test('reads an IPv4-mapped kept range as the IPv4 range', () => {
    expect(new Pseudonymizer(KEY, {keepAddresses: ['::ffff:10.9.0.0/112']}).address('10.9.3.4')).toBe('10.9.3.4')
  })

  test('anonymises an IPv4-mapped address as its IPv4 address', () => {
    expect(p.address('::ffff:10.1.2.3')).toBe(p.address('10.1.2.3'))
  })

  test('redacts a zone as an interface name', () => {
    expect(p.address('fe80::1%tap-acme')).toMatch(/^fe[89ab][0-9a-f]:[0-9a-f:]+%if-[0-9a-f]{12}$/)
  })

  test('turns text that is no address into a hash', () => {
    expect(p.address('db-1.acme.example')).toMatch(/^addr-[0-9a-f]{12}$/)
  })

  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((q) => q.join('.'))
  const v6 = fc.uint8Array({minLength: 16, maxLength: 16}).map((b) => Array.from({length: 8}, (_, i) => ((b[2 * i] << 8) | b[2 * i + 1]).toString(16)).join(':'))
  // by the bytes, not the text: `ff::` is 00ff::, no multicast address (ff00::/8 is)
  const multicast = (a: string): boolean => {
    const b = addressBytes(a)!
    return b.length === 16 ? b[0] === 0xff : b[0] >= 224 && b[0] < 240
  }
  const bare = new Pseudonymizer(KEY)

  const special = fc.constantFrom('127.0.0.1', '127.9.8.7', '169.254.3.4', '224.0.0.251', '239.1.2.3', 'fe80::1', 'ff02::1', '::1', '0.0.0.0', '::')
  const keepsClassesAndPrefixes = (x: string, y: string): void => {
    const [rx, ry] = [bare.address(x), bare.address(y)]
    for (const [a, r] of [[x, rx], [y, ry]]) {
      const c = ipBytesText(a)
      expect(isLoopback(r)).toBe(isLoopback(c))
      expect(isLinkLocal(r)).toBe(isLinkLocal(c))
      expect(isWildcard(r)).toBe(isWildcard(c))
      expect(multicast(r)).toBe(multicast(c))
    }
    const [bx, by] = [addressBytes(rx)!, addressBytes(ry)!]
    const [ox, oy] = [addressBytes(ipBytesText(x))!, addressBytes(ipBytesText(y))!]
    if (bx.length === by.length && ox.length === oy.length) expect(commonPrefixLength(bx, by)).toBe(commonPrefixLength(ox, oy))
  }

  test.for([
    ['00ff::', false], ['ff::1', false], ['ff0::1', false], ['fff:1::', false], ['ffa::', false],
    ['ff00::', true], ['ff02::1', true], ['fff0::1', true], ['223.255.255.255', false], ['224.0.0.0', true], ['239.255.255.255', true], ['240.0.0.1', false],
  ] as [string, boolean][])('reads %s as multicast: %s, in the oracle and after anonymisation', ([a, isMulticast]) => {
    expect(multicast(ipBytesText(a))).toBe(isMulticast)
    expect(multicast(bare.address(a))).toBe(isMulticast)
  })

  // counterexamples fast-check found, checked on every run
  test.for([
    ['127.0.0.1', 'ff:0:0:0:0:0:0:0'], // seed 83473214: the oracle read 00ff:: as multicast by its text
  ])('keeps every class matching uses, and prefixes, for %s and %s', ([x, y]) => {
    keepsClassesAndPrefixes(x, y)
  })

  test('keeps every class matching uses, and prefixes', () => {
    fc.assert(
      fc.property(fc.oneof(v4, v6, special), fc.oneof(v4, v6, special), (x, y) => {
        keepsClassesAndPrefixes(x, y)
      }),
    )
  })
})

/** The canonical text of an address (IPv6 compressed, IPv4-mapped as IPv4), as fm's readers give it. */
function ipBytesText(a: string): string {
  return new Pseudonymizer(KEY, {keepAddresses: ['0.0.0.0/0', '::/0']}).address(a)
}
