import {readFileSync} from 'node:fs'
import {XMLParser} from 'fast-xml-parser'
import {afterAll, describe, expect, test} from 'vitest'
import {runFm} from './helpers/run-command.js'
import {scratch, TWO_AGENTS, withCurlToSkydive} from './check-fixture.js'

// Runs the built binary (`npx tsc -b` first; `npm test` builds before testing).
const tmp = scratch('fm-check-e2e-')
afterAll(() => tmp.cleanup())

describe('the built fm binary', () => {
  test('baseline, then check: exit 0 on the same dump, 5 on a new connection, 3 on a broken baseline', () => {
    const baseline = `${tmp.dir}/baseline.yaml`
    const made = runFm(['baseline', TWO_AGENTS, '--out', baseline])
    expect([made.status, made.stderr]).toEqual([0, ''])
    expect(made.stdout).toContain('4 allow rules added')

    const ok = runFm(['check', '--baseline', baseline, TWO_AGENTS])
    expect([ok.status, ok.stderr]).toEqual([0, ''])

    const xml = `${tmp.dir}/fm-check.xml`
    const bad = runFm(['check', '-b', baseline, tmp.file('extra.json', withCurlToSkydive()), '--format', 'junit', '--output', xml])
    expect(bad.status).toBe(5)
    expect(bad.stdout).toContain('✗ unexpected edge curl → skydive TCP/12380')
    expect(bad.stderr).toBe(`Error: 1 violation of ${baseline}\n`)
    const junit = new XMLParser({ignoreAttributes: false, attributeNamePrefix: ''}).parse(readFileSync(xml, 'utf8'), true)
    expect(junit.testsuites.failures).toBe('1')

    const broken = runFm(['check', '-b', tmp.file('broken.yaml', 'version: 1\nallow:\n  - {client: a, port: 99999}\n'), TWO_AGENTS])
    expect(broken.status).toBe(3)
    expect(broken.stderr).toMatch(/broken\.yaml: line 3, column 23: port must be/)
  })
})
