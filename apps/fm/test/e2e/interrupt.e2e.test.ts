// Ctrl-C (SIGINT) or a polite kill (SIGTERM) in the middle of an analysis: the built binary
// stops at its next step, exits 130, and leaves nothing behind, neither its temporary database
// (which for a 2 GB dump weighs 1.5 GB) nor a half-written --db or --output.
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {FM_BIN, REPO_ROOT} from '../helpers/run-command.js'
import {writeDeployment} from '@fm/gen'

const dir = mkdtempSync(join(tmpdir(), 'fm-interrupt-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
// ~45 MB: a few seconds of work, read in the worker thread
const deployment = writeDeployment({hosts: 3000, seed: 9}, join(dir, 'gen'))

/** Runs fm with its own TMPDIR, sends `signal` as soon as its temporary database exists, and waits for the exit. */
async function interrupted(args: string[], signal: NodeJS.Signals, temp: string): Promise<{code: number | null; stderr: string; leftInTemp: string[]}> {
  mkdirSync(temp)
  const child = spawn(process.execPath, [FM_BIN, ...args], {cwd: REPO_ROOT, env: {...process.env, TMPDIR: temp, NO_COLOR: '1'}})
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const started = Date.now()
  let sent = false
  while (!sent && child.exitCode === null && Date.now() - started < 30_000) {
    if (readdirSync(temp).some((f) => /^fm-.*\.db\.tmp-/.test(f)) || readdirSync(dir).some((f) => /\.db\.tmp-/.test(f))) {
      child.kill(signal)
      sent = true
    } else await new Promise((r) => setTimeout(r, 10))
  }
  expect(sent, 'the signal was sent while the analysis ran').toBe(true)
  const code = await exited
  return {code, stderr, leftInTemp: readdirSync(temp)}
}

describe('an interrupted analysis leaves nothing behind', () => {
  test('fm analyze, Ctrl-C: exit 130, no temporary database, no --db, no --output', async () => {
    const db = join(dir, 'kept.db')
    const out = join(dir, 'matrix.csv')
    const r = await interrupted(['analyze', deployment.dump, '--db', db, '--output', out], 'SIGINT', join(dir, 'tmp-analyze'))
    expect(r.stderr).toMatch(/interrupted/)
    expect(r.code).toBe(130)
    expect(r.leftInTemp).toStrictEqual([])
    expect(readdirSync(dir).filter((f) => f.startsWith('kept.db') || f.startsWith('matrix.csv'))).toStrictEqual([])
    expect(existsSync(db)).toBe(false)
  })

  test('fm report, SIGTERM: exit 130, no temporary database, no report', async () => {
    const out = join(dir, 'report.html')
    const r = await interrupted(['report', deployment.dump, '--out', out], 'SIGTERM', join(dir, 'tmp-report'))
    expect(r.stderr).toMatch(/interrupted/)
    expect(r.code).toBe(130)
    expect(r.leftInTemp).toStrictEqual([])
    expect(existsSync(out)).toBe(false)
  })

  test('fm check, Ctrl-C: exit 130, nothing left in the temporary folder', async () => {
    const baseline = join(dir, 'baseline.yaml')
    const made = spawnSync(process.execPath, [FM_BIN, 'baseline', 'fixtures/skydive/two-agents.json', '--out', baseline], {cwd: REPO_ROOT})
    expect(made.status).toBe(0)
    const r = await interrupted(['check', deployment.dump, '--baseline', baseline], 'SIGINT', join(dir, 'tmp-check'))
    expect(r.stderr).toMatch(/interrupted/)
    expect(r.code).toBe(130)
    expect(r.leftInTemp).toStrictEqual([])
  })
})
