import {describe, expect, test} from 'vitest'
import {InputError} from '@fm/model'
import {parseBaseline} from '../src/index.js'

describe('parseBaseline', () => {
  test('reads every rule field, lists as alternatives, ports as ranges', () => {
    const b = parseBaseline(
      [
        'version: 1',
        'level: host',
        'allow:',
        '  - {client: [web, "api-*"], server: /usr/sbin/*, protocol: tcp, port: [80, "8000-8099", "*"]}',
        'require:',
        '  - client_host: web-1',
        '    server_host: "db-*"',
        '    reason: the app needs its database',
        'ignore:',
        '  - {loopback: true}',
        '  - {address: [169.254.0.0/16, "fe80::/10"], client_address: 10.0.0.1, server_address: "192.168.*"}',
        '  - {host: ci-*, process: chronyd}',
      ].join('\n'),
      'b.yaml',
    )
    expect(b.level).toBe('host')
    expect(b.allow[0]).toMatchObject({client: ['web', 'api-*'], server: ['/usr/sbin/*'], protocol: ['tcp'], port: [{from: 80, to: 80}, {from: 8000, to: 8099}, {from: 0, to: 65535}], line: 4})
    expect(b.require[0]).toMatchObject({clientHost: ['web-1'], serverHost: ['db-*'], reason: 'the app needs its database', line: 6})
    expect(b.ignore.map((r) => r.text)).toEqual([
      '{loopback: true}',
      '{address: [169.254.0.0/16, "fe80::/10"], client_address: 10.0.0.1, server_address: "192.168.*"}',
      '{host: ci-*, process: chronyd}',
    ])
  })

  test('level defaults to service and empty lists are allowed', () => {
    expect(parseBaseline('version: 1\nallow: []\nrequire:\nignore: []\n', 'b.yaml')).toEqual({version: 1, level: 'service', allow: [], require: [], ignore: []})
  })

  test.for([
    {name: 'broken YAML', text: 'version: 1\nallow:\n  - {client: a, server: [b}\n', where: 'line 3, column', what: 'not valid YAML'},
    {name: 'a tab for indentation', text: 'version: 1\nallow:\n\t- {client: a}\n', where: 'line 3, column 1', what: 'not valid YAML'},
    {name: 'no version', text: 'allow: []\n', where: 'line 1, column 1', what: 'version: 1 is required'},
    {name: 'a future version', text: 'version: 2\n', where: 'line 1, column 10', what: 'version: 1 is required'},
    {name: 'a misspelt top key', text: 'version: 1\nalow: []\n', where: 'line 2, column 1', what: 'unknown key "alow"'},
    {name: 'a bad level', text: 'version: 1\nlevel: cluster\n', where: 'line 2, column 8', what: 'level must be'},
    {name: 'a list that is a map', text: 'version: 1\nallow: {client: a}\n', where: 'line 2, column 8', what: 'allow must be a list'},
    {name: 'a rule that is text', text: 'version: 1\nallow:\n  - web -> db\n', where: 'line 3, column 5', what: 'must be a mapping'},
    {name: 'an empty rule', text: 'version: 1\nignore:\n  - {}\n', where: 'line 3, column 5', what: 'would match everything'},
    {name: 'a misspelt rule field', text: 'version: 1\nallow:\n  - {client: a, sever: b}\n', where: 'line 3, column 17', what: 'unknown rule field "sever"'},
    {name: 'a port out of range', text: 'version: 1\nallow:\n  - {client: a, port: 70000}\n', where: 'line 3, column 23', what: 'port must be'},
    {name: 'a reversed port range', text: 'version: 1\nallow:\n  - {port: "90-80"}\n', where: 'line 3, column 12', what: 'port must be'},
    {name: 'a bad CIDR', text: 'version: 1\nignore:\n  - {address: 10.0.0.0/33}\n', where: 'line 3, column 15', what: 'no address, CIDR range or glob'},
    {name: 'loopback as text', text: 'version: 1\nignore:\n  - {loopback: yes}\n', where: 'line 3, column 16', what: 'loopback must be true or false'},
    {name: 'a field without value', text: 'version: 1\nallow:\n  - client:\n    server: b\n', where: 'line 3, column 5', what: 'client has no value'},
    {name: 'a nested map as a name', text: 'version: 1\nallow:\n  - {client: {a: b}}\n', where: 'line 3, column 14', what: 'client must be text'},
    {name: 'a duplicate key', text: 'version: 1\nversion: 1\n', where: 'line 2, column 1', what: 'not valid YAML'},
  ])('rejects $name with line and column', ({text, where, what}) => {
    let err: unknown
    try {
      parseBaseline(text, 'b.yaml')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(InputError)
    expect((err as Error).message).toMatch(new RegExp(`^b\\.yaml: ${where}`))
    expect((err as Error).message).toContain(what)
  })
})
