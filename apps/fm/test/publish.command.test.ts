import {afterEach, describe, expect, test} from 'vitest'
import {graphJson, startFakeAnalyzer, type FakeAnalyzer, type FakeAnalyzerOptions} from '@fm/fake-analyzer'
import Analyze from '../src/commands/analyze.js'
import Publish, {type PublishCommandResult} from '../src/commands/publish.js'
import {runCommand} from './helpers/run-command.js'

const DUMP = 'fixtures/skydive/two-agents.json'
const PASSWORD = 'cmd-publish-4e2a'
const servers: FakeAnalyzer[] = []
afterEach(async () => {
  delete process.env.FM_PASSWORD
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})

async function fake(opts: Partial<FakeAnalyzerOptions> = {}): Promise<{fa: FakeAnalyzer; addr: string}> {
  const fa = await startFakeAnalyzer({graph: DUMP, ...opts})
  servers.push(fa)
  return {fa, addr: fa.url.replace(/^http:\/\//, '')}
}
const fmEdges = (fa: FakeAnalyzer): number => [...fa.graph.edges.values()].filter((e) => e.Metadata?.Manager === 'fm').length

describe('fm publish', () => {
  test('publishes the matrix, again without changes, and --delete restores the graph', async () => {
    const {fa, addr} = await fake({users: {admin: PASSWORD}})
    const before = JSON.stringify(graphJson(fa.graph))
    process.env.FM_PASSWORD = PASSWORD
    const first = await runCommand<PublishCommandResult>(Publish, [DUMP, '--analyzer', addr, '--username', 'admin', '--json'])
    expect(first.exitCode).toBe(0)
    expect(first.result?.edges.added).toBe(fmEdges(fa))
    expect(fmEdges(fa)).toBeGreaterThan(0)
    const second = await runCommand<PublishCommandResult>(Publish, [DUMP, '--analyzer', addr, '--username', 'admin', '--json'])
    expect(second.result).toMatchObject({messages: 0, edges: {added: 0, updated: 0, deleted: 0, unchanged: first.result?.edges.added}})
    const del = await runCommand<PublishCommandResult>(Publish, ['--analyzer', addr, '--username', 'admin', '--delete', '--json'])
    expect(del.exitCode).toBe(0)
    expect(JSON.stringify(graphJson(fa.graph))).toBe(before)
  })

  test.for([
    {name: 'wrong credentials exit 3', faults: {}, password: 'not-it', exit: 3, stderr: /login refused for user "admin"/},
    {name: 'a dropped connection exits 4', faults: {dropPublisherAfter: 2}, password: PASSWORD, exit: 4, stderr: /connection was dropped/},
  ])('$name with one clear line', async ({faults, password, exit, stderr}) => {
    const {addr} = await fake({users: {admin: PASSWORD}, faults})
    process.env.FM_PASSWORD = password
    const r = await runCommand(Publish, [DUMP, '--analyzer', addr, '--username', 'admin'])
    expect(r.exitCode).toBe(exit)
    expect(r.stderr).toMatch(stderr)
    expect(r.stderr).not.toContain(password)
  })

  test.for([
    {argv: ['--analyzer', '127.0.0.1:1'], why: 'no inputs'},
    {argv: [DUMP, '--analyzer', '127.0.0.1:1', '--delete'], why: 'inputs with --delete'},
    {argv: [DUMP], why: 'no --analyzer'},
  ])('refuses $why (exit 2)', async ({argv}) => {
    expect((await runCommand(Publish, argv)).exitCode).toBe(2)
  })
})

describe('fm analyze --format skydive', () => {
  test('captures from the analyzer and publishes the matrix back into it, as the original did', async () => {
    const {fa, addr} = await fake()
    const r = await runCommand(Analyze, ['--analyzer', addr, '--format', 'skydive'])
    expect(r.exitCode).toBe(0)
    // one edge per row of the matrix the same analyzer gives
    const direct = await runCommand(Analyze, ['--analyzer', addr, '--json'])
    expect(fmEdges(fa)).toBe((JSON.parse(direct.stdout) as {entries: unknown[]}).entries.length)
    expect(fmEdges(fa)).toBeGreaterThan(0)
  })

  test('needs --analyzer (exit 2)', async () => {
    const r = await runCommand(Analyze, [DUMP, '--format', 'skydive'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(/--format skydive publishes into the analyzer/)
  })
})
