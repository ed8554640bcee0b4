import {readFileSync, readdirSync} from 'node:fs'
import {afterAll, describe, expect, test} from 'vitest'
import Baseline, {type BaselineResult} from '../src/commands/baseline.js'
import {runCommand} from './helpers/run-command.js'
import {scratch, TWO_AGENTS, withCurlToSkydive} from './check-fixture.js'

const tmp = scratch('fm-baseline-')
afterAll(() => tmp.cleanup())

const rules = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('  - '))

describe('fm baseline', () => {
  test('without --out prints the YAML: one allow rule per service edge of the real dump', async () => {
    const r = await runCommand<BaselineResult>(Baseline, [TWO_AGENTS])
    expect(r.exitCode).toBe(0)
    expect(rules(r.stdout)).toEqual([
      '  - {client: chrome, server: node, protocol: TCP, port: 8080}',
      '  - {client: chrome, server: skydive, protocol: TCP, port: 8082}',
      '  - {client: skydive, server: skydive, protocol: TCP, port: 8082}',
      '  - {client: skydive, server: skydive, protocol: TCP, port: 12379}',
    ])
  })

  test('regenerating an edited baseline keeps its comments and rules and appends the new edge', async () => {
    const out = `${tmp.dir}/b.yaml`
    expect((await runCommand(Baseline, [TWO_AGENTS, '--out', out])).exitCode).toBe(0)
    const edited = readFileSync(out, 'utf8')
      .replace('  - {client: chrome, server: node, protocol: TCP, port: 8080}', '  # the UI talks to its dev server\n  - {client: chrome, server: node, protocol: TCP, port: "8000-8099"} # widened by hand')
      .replace('ignore: []', 'ignore:\n  - {address: 169.254.0.0/16, reason: link-local}')
    tmp.file('b.yaml', edited)
    const r = await runCommand<BaselineResult>(Baseline, [TWO_AGENTS, tmp.file('extra.json', withCurlToSkydive()), '--out', out, '--json'])
    expect(r.result).toMatchObject({file: out, snapshots: 2, added: 1, kept: 4, removed: 0, level: 'service'})
    expect(readFileSync(out, 'utf8')).toBe(edited.replace('port: 12379}\n', 'port: 12379}\n  - {client: curl, server: skydive, protocol: TCP, port: 12380}\n'))
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([])
  })

  test('--level host names hosts; --min-seen 2 of 2 leaves out an edge seen once', async () => {
    const extra = tmp.file('extra2.json', withCurlToSkydive())
    const host = await runCommand(Baseline, [TWO_AGENTS, '--level', 'host'])
    expect(rules(host.stdout)[0]).toBe('  - {client_host: agent-1, client: chrome, server_host: agent-1, server: node, protocol: TCP, port: 8080}')
    const seen = await runCommand(Baseline, [TWO_AGENTS, extra, '--min-seen', '2'])
    expect(rules(seen.stdout).some((l) => l.includes('curl'))).toBe(false)
    expect(rules(seen.stdout)).toHaveLength(4)
  })

  test('an empty --out file is written as a new baseline', async () => {
    const empty = tmp.file('empty.yaml', '')
    const r = await runCommand<BaselineResult>(Baseline, [TWO_AGENTS, '--out', empty, '--json'])
    expect(r.result).toMatchObject({added: 4, kept: 0})
    expect(rules(readFileSync(empty, 'utf8'))).toHaveLength(4)
  })

  test('a malformed existing baseline is bad input (exit 3) and is left untouched', async () => {
    const bad = tmp.file('bad.yaml', 'version: 1\nallow:\n  - {client: a\n')
    const r = await runCommand(Baseline, [TWO_AGENTS, '--out', bad])
    expect(r.exitCode).toBe(3)
    expect(r.stderr).toMatch(/^Error: .*bad\.yaml: line \d+, column \d+: not valid YAML/)
    expect(readFileSync(bad, 'utf8')).toBe('version: 1\nallow:\n  - {client: a\n')
  })
})
