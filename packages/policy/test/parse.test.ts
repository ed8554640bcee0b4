import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {buildPolicy, parseIptables, parseNftables, writeIptables, writeNftables, type AcceptRule, type ParsedRule} from '../src/index.js'
import {entry, observation} from '@fm/test-helpers'

const accepts = (rules: ParsedRule[]): Omit<AcceptRule, never>[] =>
  rules.filter((r) => r.verdict === 'accept' && r.protocol).map((r) => ({protocol: r.protocol!, port: r.ports![0], family: r.family!, sources: r.sources!, destinations: r.destinations ?? null}))

describe('reading back what fm wrote', () => {
  const specs = fc.array(fc.record({c: fc.integer({min: 1, max: 40}), port: fc.constantFrom(22, 80, 53, 8080), udp: fc.boolean(), v6: fc.boolean()}), {minLength: 1, maxLength: 30})
  test('nftables: the accept rules read back are the rules written', () => {
    fc.assert(
      fc.property(specs, fc.constantFrom(null, 24, 28), fc.constantFrom('enforce', 'monitor'), (list, agg, mode) => {
        const e = list.map((x) => entry(`${x.udp ? 'UDP' : 'TCP'} cl@c${x.c}:${x.v6 ? `fd00::${x.c}` : `10.232.${x.c % 3}.${x.c}`} -> srv@web:${x.v6 ? 'fd00::a' : '10.232.9.1'}:${x.port}`))
        const [h] = buildPolicy(observation(e), {aggregate: {v4: agg}, mode: mode as 'enforce' | 'monitor'}).hosts
        const rs = parseNftables(writeNftables(h), 'web.nft')
        expect(rs.host).toBe('web')
        expect(accepts(rs.rules)).toEqual(h.rules)
        const last = rs.rules[rs.rules.length - 1]
        expect(last).toMatchObject(mode === 'enforce' ? {verdict: 'drop', log: false} : {verdict: 'accept', log: true})
      }),
    )
  })

  test('iptables: one rule per source and destination, together the rules written', () => {
    fc.assert(
      fc.property(specs, (list) => {
        const e = list.map((x) => entry(`${x.udp ? 'UDP' : 'TCP'} cl@c${x.c}:${x.v6 ? `fd00::${x.c}` : `10.232.1.${x.c}`} -> srv@web:${x.v6 ? 'fd00::a' : '10.232.9.1'}:${x.port}`))
        const [h] = buildPolicy(observation(e)).hosts
        for (const family of [4, 6] as const) {
          const rs = parseIptables(writeIptables(h, family), 'web.rules', family)
          const bits = family === 4 ? '/32' : '/128'
          const want = h.rules.filter((r) => r.family === family).flatMap((r) => r.sources.flatMap((s) => r.destinations!.map((d) => ({protocol: r.protocol, port: r.port, family, sources: [`${s}${bits}`], destinations: [`${d}${bits}`]}))))
          expect(accepts(rs.rules)).toEqual(want)
        }
      }),
    )
  })

  test.for([
    ['table ip filter {\n}', 'line 7: fm check --policy evaluates only table inet fm, found "ip filter"'],
    ['table inet fm {\n\tchain other {\n\t\tip saddr 10.0.0.1 accept\n\t}\n}', 'line 8: chain other is not on the input hook: fm cannot evaluate jumps to regular chains'],
    ['table inet fm {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tip saddr @nope accept\n\t}\n}', 'line 10: no set named nope'],
    ['table inet fm {\n\tchain input {\n\t\ttype filter hook input priority filter;\n\t\tip saddr 10.0.0.300 accept\n\t}\n}', 'line 10: "10.0.0.300" is no address or range'],
    ['table inet fm {\n\tchain input {\n\t\ttype filter hook input priority filter;\n\t\tmeta mark 1 accept\n\t}\n}', 'line 10: fm cannot evaluate "meta mark 1"'],
    ['table inet fm {\n\tchain input {\n\t\ttype filter hook input priority filter;\n\t\tcomment "open\n\t}\n}', 'line 10: unterminated string'],
  ])('an nftables file fm cannot evaluate is refused, with the line: %j', ([body, message]) => {
    const text = `#!/usr/sbin/nft -f\n# x\n# y\n# fm-policy-host: "web"\n# fm-policy-mode: enforce\n\n${body}\n`
    expect(() => parseNftables(text, 'web.nft')).toThrow(`web.nft: ${message}`)
  })

  test('a file without fm\'s host line is not a policy fm wrote', () => {
    expect(() => parseNftables('table inet fm {}\n', 'x.nft')).toThrow('x.nft: no "# fm-policy-host:" line: not a file fm policy wrote')
    expect(() => parseIptables('*filter\nCOMMIT\n', 'x.rules', 4)).toThrow('x.rules: no "# fm-policy-host:" line')
  })

  test('a chain policy drop, written by hand, drops what no rule accepts', () => {
    const rs = parseNftables('# fm-policy-host: "web"\ntable inet fm {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t\tip saddr { 10.0.0.1, 10.0.1.0/24 } tcp dport { 80, 443 } accept\n\t}\n}\n', 'web.nft')
    expect(rs.fallthrough).toBe('drop')
    expect(rs.rules).toEqual([{file: 'web.nft', line: 5, verdict: 'accept', log: false, family: 4, sources: ['10.0.0.1', '10.0.1.0/24'], protocol: 'TCP', ports: [80, 443]}])
  })
})
