import {describe, expect, test} from 'vitest'
import fc from 'fast-check'
import {FmError, InputError, UsageError, type MatrixEntry} from '@fm/model'
import {checkBaseline, entrySelector, GroupMatrix, GroupNames, parseBaseline, parseGroups, selectionRule, writeBaseline, type SelectValues} from '../src/index.js'
import {entry, observation} from '@fm/test-helpers'

const entries: MatrixEntry[] = [
  entry('TCP nova-api@ctrl-1:10.1.0.1 -> mysqld@db-1:10.2.0.5:3306', [1], 3),
  entry('TCP nova-compute@cmp-17:10.1.0.20 -> beam.smp@ctrl-1:10.1.0.1:5672', [1], 2),
  entry('UDP nova-compute@cmp-17:10.1.0.20 -> unbound@ctrl-2:10.1.0.2:53'),
  entry('TCP prometheus@ctrl-1:10.1.0.1 -> node_exporter@cmp-17:10.1.0.20:9100'),
  entry('TCP httpd@web-1:fd00:10::9 -> mysqld@db-1:fd00:10::5:3306'),
  entry('TCP ovs-vswitchd@cmp-18:127.0.0.1 -> ovsdb-server@cmp-18:127.0.0.1:6640'),
]
const label = (e: MatrixEntry): string => `${e.client.name}@${e.client.host}>${e.server.name}@${e.server.host}:${e.server.port}`
const pick = (values: SelectValues): string[] => {
  const sel = entrySelector({rule: selectionRule(values)})
  return entries.flatMap((e) => sel.select(e) ?? []).map(label)
}

describe('selection flags', () => {
  test.for([
    ['host', {host: ['cmp-17']}, [1, 2, 3]],
    ['host, glob', {host: ['ctrl-*']}, [0, 1, 2, 3]],
    ['client-host', {'client-host': ['cmp-17']}, [1, 2]],
    ['server-host', {'server-host': ['cmp-17']}, [3]],
    ['service, either end', {service: ['mysqld']}, [0, 4]],
    ['service, either end (client side)', {service: ['nova-*']}, [0, 1, 2]],
    ['client', {client: ['nova-compute']}, [1, 2]],
    ['server', {server: ['mysqld']}, [0, 4]],
    ['server by executable path', {server: ['/usr/sbin/beam*']}, [1]],
    ['protocol, any case', {protocol: ['udp']}, [2]],
    ['port', {port: ['3306']}, [0, 4]],
    ['port range', {port: ['5000-6000']}, [1]],
    ['address, either end, CIDR', {address: ['10.2.0.0/16']}, [0]],
    ['address, IPv6 CIDR', {address: ['fd00:10::/64']}, [4]],
    ['client-address', {'client-address': ['10.1.0.20']}, [1, 2]],
    ['server-address, glob', {'server-address': ['127.*']}, [5]],
    ['repeated = any of', {server: ['mysqld', 'unbound']}, [0, 2, 4]],
    ['comma-separated = any of', {server: ['mysqld,unbound']}, [0, 2, 4]],
    ['different flags = all of', {server: ['mysqld'], protocol: ['TCP'], 'client-host': ['ctrl-*']}, [0]],
    ['nothing matches', {host: ['nowhere']}, []],
  ] as [string, SelectValues, number[]][])('%s', ([, values, want]) => {
    expect(pick(values)).toEqual(want.map((i) => label(entries[i])))
  })

  test('no flags: no rule, nothing filtered', () => {
    expect(selectionRule({})).toBeNull()
    expect(selectionRule({host: []})).toBeNull()
  })

  test.for([
    [{port: ['http']}, /--port "http" is not a port/],
    [{port: ['70000']}, /--port "70000"/],
    [{port: ['9-1']}, /--port "9-1"/],
    [{address: ['10.0.0.0/99']}, /--address "10.0.0.0\/99" is not an address/],
    [{'server-address': ['db-1']}, /--server-address "db-1"/],
    [{host: ['a,,b']}, /--host has an empty value/],
  ] as [SelectValues, RegExp][])('%o is a usage error', ([values, message]) => {
    expect(() => selectionRule(values)).toThrow(UsageError)
    expect(() => selectionRule(values)).toThrow(message)
  })

  test('counts what it kept and says so', () => {
    const sel = entrySelector({rule: selectionRule({host: ['cmp-17']})})
    for (const e of entries) sel.select(e)
    expect([sel.kept, sel.total, sel.summary()]).toEqual([3, 6, '3 of 6 entries selected (--host cmp-17)'])
    const groupsOnly = entrySelector({groups: parseGroups('version: 1\n', 'g.yaml')})
    expect(groupsOnly.summary()).toBeNull()
  })
})

const GROUPS = `version: 1
hosts:
  - {group: controllers, host: "ctrl-*"}
  - {group: computes, address: 10.1.0.0/16}
  - {group: never, host: "ctrl-1"}
services:
  - {service: rabbitmq, process: "*/beam.smp"}
  - {service: nova, name: "nova-*"}
  - {service: shadowed, name: "nova-api"}
`

describe('groups', () => {
  const groups = parseGroups(GROUPS, 'groups.yaml')

  test('the first matching rule wins; an end no rule names keeps its own name', () => {
    const names = new GroupNames(groups)
    expect(names.host({host: 'ctrl-1', ip: '10.1.0.1'})).toBe('controllers')
    expect(names.host({host: 'cmp-17', ip: '10.1.0.20'})).toBe('computes')
    expect(names.host({host: 'cmp-18', ip: '127.0.0.1'})).toBeNull()
    expect(names.service({name: 'beam.smp', process: '/usr/lib/erlang/bin/beam.smp'})).toBe('rabbitmq')
    expect(names.service({name: 'nova-api', process: '/usr/bin/python3'})).toBe('nova')
    expect(names.service({name: 'mysqld', process: '/usr/sbin/mysqld'})).toBeNull()
  })

  test('services are renamed; host and service flags also match group names and the names as seen', () => {
    const run = (values: SelectValues): string[] => {
      const sel = entrySelector({rule: selectionRule(values), groups})
      return entries.flatMap((e) => sel.select(e) ?? []).map(label)
    }
    expect(run({host: ['controllers'], server: ['rabbitmq']})).toEqual(['nova@cmp-17>rabbitmq@ctrl-1:5672'])
    expect(run({server: ['beam.smp']})).toEqual(['nova@cmp-17>rabbitmq@ctrl-1:5672'])
    expect(run({'server-host': ['computes']})).toEqual(['prometheus@ctrl-1>node_exporter@cmp-17:9100'])
    expect(run({client: ['nova']})).toEqual(['nova@ctrl-1>mysqld@db-1:3306', 'nova@cmp-17>rabbitmq@ctrl-1:5672', 'nova@cmp-17>unbound@ctrl-2:53'])
  })

  test('at level group, hosts become their groups and a group-level baseline names groups', () => {
    const sel = entrySelector({groups, groupHosts: true})
    const kept = entries.flatMap((e) => sel.select(e) ?? [])
    expect(kept.map(label)).toEqual([
      'nova@controllers>mysqld@db-1:3306',
      'nova@computes>rabbitmq@controllers:5672',
      'nova@computes>unbound@controllers:53',
      'prometheus@controllers>node_exporter@computes:9100',
      'httpd@web-1>mysqld@db-1:3306',
      'ovs-vswitchd@cmp-18>ovsdb-server@cmp-18:6640',
    ])
    const {text} = writeBaseline(observation(kept), {level: 'group'})
    const baseline = parseBaseline(text, 'b.yaml')
    expect(baseline.level).toBe('group')
    expect(text).toContain('- {client_host: computes, client: nova, server_host: controllers, server: rabbitmq, protocol: TCP, port: 5672}')
    expect(checkBaseline(baseline, observation(kept), {minSeen: 1}).ok).toBe(true)
    // a new compute joins its group: still allowed; a host outside every group is not
    const more = [entry('TCP nova-compute@cmp-99:10.1.0.99 -> beam.smp@ctrl-3:10.1.0.3:5672'), entry('TCP nova-compute@lab-1:192.168.0.9 -> beam.smp@ctrl-3:10.1.0.3:5672')]
    const report = checkBaseline(baseline, observation([...kept, ...more.flatMap((e) => sel.select(e) ?? [])]), {minSeen: 1})
    expect(report.violations.map((v) => (v.kind === 'unexpected' ? `${v.edge.client.host}>${v.edge.server.host}` : v.kind))).toEqual(['lab-1>controllers'])
  })

  test('the matrix between groups sums connections per tuple', () => {
    const sel = entrySelector({groups})
    const gm = new GroupMatrix(sel.names)
    for (const e of [...entries, entry('TCP nova-conductor@cmp-99:10.1.0.99 -> beam.smp@ctrl-2:10.1.0.2:5672', [1], 5)]) {
      const kept = sel.select(e)
      if (kept) gm.add(kept)
    }
    const rows = gm.sorted().map((r) => [r.protocol, r.serverGroup, r.serverService, r.port, r.clientGroup, r.clientService, r.connections, r.entries])
    expect(rows).toEqual([
      ['TCP', 'cmp-18', 'ovsdb-server', 6640, 'cmp-18', 'ovs-vswitchd', 1, 1],
      ['TCP', 'computes', 'node_exporter', 9100, 'controllers', 'prometheus', 1, 1],
      ['TCP', 'controllers', 'rabbitmq', 5672, 'computes', 'nova', 7, 2],
      ['TCP', 'db-1', 'mysqld', 3306, 'controllers', 'nova', 3, 1],
      ['TCP', 'db-1', 'mysqld', 3306, 'web-1', 'httpd', 1, 1],
      ['UDP', 'controllers', 'unbound', 53, 'computes', 'nova', 1, 1],
    ])
  })

  test.for([
    ['version: 2\n', 'line 1, column 10: version: 1 is required'],
    ['hosts: []\n', 'line 1, column 1: version: 1 is required'],
    ['version: 1\nhost: []\n', 'line 2, column 1: unknown key "host"'],
    ['version: 1\nhosts:\n  - {group: a, hots: "x"}\n', 'line 3, column 16: unknown field "hots"'],
    ['version: 1\nhosts:\n  - {host: "x"}\n', 'line 3, column 5: every rule needs group'],
    ['version: 1\nhosts:\n  - {group: a}\n', 'line 3, column 5: a rule needs host or address'],
    ['version: 1\nhosts:\n  - {group: a, address: 10.0.0.0/40}\n', 'line 3, column 25: address: "10.0.0.0/40" is no address'],
    ['version: 1\nservices:\n  - {service: a, host: x}\n', 'line 3, column 18: unknown field "host"'],
    ['version: 1\nservices:\n  - just-a-name\n', 'line 3, column 5: each rule must be a mapping'],
    ['version: 1\nservices: [\n', 'line 3, column 1: not valid YAML'],
  ])('%j fails with its line and column', ([text, message]) => {
    let err: unknown
    try {
      parseGroups(text, 'groups.yaml')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(InputError)
    expect((err as FmError).message).toContain(`groups.yaml: ${message}`)
  })
})

describe('selection algebra (property)', () => {
  const flagValues: [keyof SelectValues, string[]][] = [
    ['host', ['cmp-17', 'ctrl-*', 'db-1', 'nowhere']],
    ['server', ['mysqld', 'beam.smp', '/usr/sbin/*', 'nova-*']],
    ['client', ['nova-*', 'httpd', 'prometheus']],
    ['protocol', ['TCP', 'udp']],
    ['port', ['3306', '1-1000', '5000-10000']],
    ['address', ['10.1.0.0/16', 'fd00:10::/64', '127.*']],
  ]
  const arbFlag = fc.constantFrom(...flagValues).chain(([flag, values]) => fc.tuple(fc.constant(flag), fc.subarray(values, {minLength: 1})))
  const ids = (values: SelectValues): Set<string> => new Set(pick(values))

  test('different flags are all of, the values of one flag any of', () => {
    fc.assert(
      fc.property(arbFlag, arbFlag, ([fa, va], [fb, vb]) => {
        if (fa === fb) {
          // one flag given twice is one list: the union of what each value selects
          const union = new Set([...va, ...vb].flatMap((v) => pick({[fa]: [v]})))
          expect(ids({[fa]: [...va, ...vb]})).toEqual(union)
        } else {
          const a = ids({[fa]: va})
          const both = ids({[fa]: va, [fb]: vb})
          expect(both).toEqual(new Set([...ids({[fb]: vb})].filter((x) => a.has(x))))
        }
      }),
    )
  })
})
