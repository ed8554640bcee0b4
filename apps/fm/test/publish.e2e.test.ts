import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {runFm} from './helpers/run-command.js'
import {FakeAnalyzerProcesses} from '@fm/fake-analyzer'
import {writeDeployment} from '@fm/gen'

// The built binary against the fake analyzer in its own process (spawnSync-based runFm would
// block a fake running in this one).
const DUMP = 'fixtures/skydive/two-agents.json'
const PASSWORD = 'e2e-publish-83b1-do-not-leak'
const work = mkdtempSync(join(tmpdir(), 'fm-publish-e2e-'))
const fakes = new FakeAnalyzerProcesses(DUMP, PASSWORD)
const startFake = (): Promise<string> => fakes.start(['--username', 'admin'])

afterAll(() => {
  fakes.stopAll()
  rmSync(work, {recursive: true, force: true})
})

const env = (password: string): NodeJS.ProcessEnv => ({FM_PASSWORD: password})

describe('the built fm', () => {
  test('publishes into an analyzer, fm capture reads it back, the matrix is unchanged, --delete removes it', async () => {
    const addr = await startFake()
    const login = ['--analyzer', addr, '--username', 'admin']
    const pub = runFm(['publish', DUMP, ...login, '--json'], {env: env(PASSWORD)})
    expect(pub.status).toBe(0)
    const result = JSON.parse(pub.stdout) as {edges: {added: number}}
    expect(result.edges.added).toBeGreaterThan(0)
    expect(runFm(['publish', DUMP, ...login, '--json'], {env: env(PASSWORD)}).stdout).toMatch(/"messages": 0/)

    const cap = join(work, 'readback')
    expect(runFm(['capture', ...login, '--full', '--out', cap], {env: env(PASSWORD)}).status).toBe(0)
    const text = readdirSync(cap, {recursive: true, encoding: 'utf8'}).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(cap, f), 'utf8')).join('')
    expect(text.match(/"RelationType":"fm-connection"/g)).toHaveLength(result.edges.added)
    expect(text).not.toContain(PASSWORD)
    expect(runFm(['analyze', cap]).stdout).toBe(runFm(['analyze', DUMP]).stdout)

    expect(runFm(['publish', '--delete', ...login], {env: env(PASSWORD)}).status).toBe(0)
    const cap2 = join(work, 'after-delete')
    runFm(['capture', ...login, '--full', '--out', cap2], {env: env(PASSWORD)})
    const after = readdirSync(cap2, {recursive: true, encoding: 'utf8'}).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(cap2, f), 'utf8')).join('')
    expect(after).not.toContain('fm-connection')
  })

  test('a wrong password exits 3 with one line naming the user, not the password', async () => {
    const addr = await startFake()
    const r = runFm(['publish', DUMP, '--analyzer', addr, '--username', 'admin'], {env: env('wrong-pw-77')})
    expect(r.status).toBe(3)
    expect(r.stderr).toMatch(/^Error: .*login refused for user "admin"/)
    expect(r.stderr).not.toContain('wrong-pw-77')
  })

  test('analyze --use-flows prints the traffic of a generated deployment in wide CSV', () => {
    const w = writeDeployment({hosts: 40, seed: 5, flows: true}, join(work, 'gen'))
    const r = runFm(['analyze', w.dump, w.flows!, '--use-flows', '--format', 'wide-csv'])
    expect(r.status).toBe(0)
    const want = readFileSync(join(w.dir, 'flows-matrix.csv'), 'utf8').trim().split('\r\n').slice(1)
    const got = r.stdout.trim().split('\r\n').slice(1).map((l) => {
      const f = l.split(',')
      return [...f.slice(0, 10), ...f.slice(13, 17)].join(',')
    })
    expect(got).toEqual(want)
  })
})
