import {XMLParser} from 'fast-xml-parser'
import {describe, expect, test} from 'vitest'
import {checkBaseline, formatCheck, mdText, parseBaseline} from '../src/index.js'
import {entry, observation} from '@fm/test-helpers'

const HOSTILE = '<x a="1">&\'</x>]]>\u0001#\u202e'
const hostile = {...entry('TCP a@h1:10.0.0.1 -> b@h2:10.0.0.2:80', [1]), client: {host: 'h1', ip: '10.0.0.1', process: '/bin/x', name: HOSTILE}}
const REPORT = checkBaseline(
  parseBaseline(['version: 1', 'allow:', '  - {client: web, server: db}', 'require:', '  - {client: web, server: db}', 'ignore:', '  - {port: 53, reason: "DNS & <friends>"}'].join('\n'), 'b.yaml'),
  observation([entry('TCP web@h1:10.0.0.1 -> db@h2:10.0.0.2:5432', [1]), hostile, entry('TCP c@h1:10.0.0.1 -> d@h2:10.0.0.2:81', [2])], 3),
  {minSeen: 1},
)
const FLAKY = checkBaseline(parseBaseline('version: 1\n', 'b.yaml'), observation([entry('TCP c@h1:10.0.0.1 -> d@h2:10.0.0.2:81', [2])], 3), {minSeen: 2})

describe('formatCheck', () => {
  test('JUnit: well-formed XML whatever the names, one test case per rule and per unexpected edge', () => {
    const xml = formatCheck(REPORT, 'junit', {baseline: 'b<&>.yaml'})
    const doc = new XMLParser({ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testcase'}).parse(xml, true)
    const suite = doc.testsuites.testsuite
    expect(suite.tests).toBe('5')
    expect(suite.failures).toBe('2')
    expect(suite.name).toBe('fm check b<&>.yaml')
    const names = suite.testcase.map((c: {name: string}) => c.name)
    expect(names).toEqual([
      `unexpected edge ${HOSTILE.replace('\u0001', '?').replace('\u202e', '?')} → b TCP/80`,
      'unexpected edge c → d TCP/81',
      'require {client: web, server: db} (line 5)',
      'allow {client: web, server: db} (line 3)',
      'ignore {port: 53, reason: "DNS & <friends>"} (line 7)',
    ])
    expect(suite.testcase.map((c: {failure?: unknown}) => c.failure !== undefined)).toEqual([true, true, false, false, false])
    expect(xml).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/)
  })

  test('JUnit: a flaky edge is a skipped test case, not a failure', () => {
    const doc = new XMLParser({ignoreAttributes: false, attributeNamePrefix: ''}).parse(formatCheck(FLAKY, 'junit', {baseline: 'b'}), true)
    expect(doc.testsuites.testsuite).toMatchObject({failures: '0', skipped: '1', testcase: {name: 'flaky edge c → d TCP/81', skipped: {message: 'seen in 1 of 3 snapshots, fewer than --min-seen 2'}}})
  })

  test('TAP: a plan, one line per case, # escaped so a name cannot SKIP itself, diagnostics for failures', () => {
    const tap = formatCheck(REPORT, 'tap', {baseline: 'b'}).split('\n')
    expect(tap.slice(0, 3)).toEqual(['TAP version 14', '1..5', `not ok 1 - unexpected edge <x a="1">&'</x>]]>?\\#? → b TCP/80`])
    expect(tap.filter((l) => /^(not )?ok \d+ - /.test(l)).map((l) => l.split(' - ')[0])).toEqual(['not ok 1', 'not ok 2', 'ok 3', 'ok 4', 'ok 5'])
    expect(tap).toContain('  message: "unexpected edge c → d TCP/81: seen in 1 of 3 snapshots, 1 connection, hosts h1 → h2"')
    expect(formatCheck(FLAKY, 'tap', {baseline: 'b'})).toContain('ok 1 - flaky edge c → d TCP/81 # SKIP seen in 1 of 3 snapshots, fewer than --min-seen 2')
  })

  test('TAP: bidi controls in the YAML diagnostics are escapes a viewer shows, never the raw characters', () => {
    const tap = formatCheck(REPORT, 'tap', {baseline: 'b'})
    expect(tap).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u0080-\u009f]/)
    expect(tap).toContain(`  message: "unexpected edge <x a=\\"1\\">&'</x>]]>\\u0001#\\u202e → b TCP/80: seen in 1 of 3 snapshots`)
  })

  test.for(['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u2028', '\u0085'])('%j is escaped in every format', (c) => {
    const e = {...entry('TCP a@h1:10.0.0.1 -> b@h2:10.0.0.2:80', [1]), client: {host: 'h1', ip: '10.0.0.1', process: '/bin/x', name: `x${c}y`}}
    const r = checkBaseline(parseBaseline('version: 1\n', 'b.yaml'), observation([e], 1))
    for (const f of ['text', 'junit', 'tap', 'markdown'] as const) expect(formatCheck(r, f, {baseline: 'b'}).includes(c), f).toBe(false)
  })

  test('Markdown: violations in a table, hostile names neutralised', () => {
    const md = formatCheck(REPORT, 'markdown', {baseline: 'b.yaml'})
    expect(md).toMatch(/^### ❌ fm check b\.yaml: 2 violations\n/)
    expect(md).toContain('| unexpected | unexpected edge &lt;x a="1"&gt;&amp;\'&lt;/x&gt;\\]\\]&gt;?#\u200b? → b TCP/80: ')
    expect(md).not.toMatch(/<x/)
  })

  test('text: the verdict, then one line per violation', () => {
    expect(formatCheck(REPORT, 'text', {baseline: 'b.yaml'}).split('\n').slice(0, 3)).toEqual([
      'fm check b.yaml: FAILED, 2 violations',
      `  ✗ unexpected edge <x a="1">&'</x>]]>?#? → b TCP/80: seen in 1 of 3 snapshots, 1 connection, hosts h1 → h2`,
      '  ✗ unexpected edge c → d TCP/81: seen in 1 of 3 snapshots, 1 connection, hosts h1 → h2',
    ])
  })
})

describe('mdText', () => {
  test('defuses mentions and issue links, escapes table and emphasis markup, neutralises HTML', () => {
    expect(mdText('@org/team fixes #12 | *x* <b>')).toBe('@\u200borg/team fixes #\u200b12 \\| \\*x\\* &lt;b&gt;')
  })
})
