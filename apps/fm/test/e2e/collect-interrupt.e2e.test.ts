// Ctrl-C (SIGINT) or a polite kill (SIGTERM) of fm capture --ssh while transports run: each
// transport leads a process group of its own (so the terminal's Ctrl-C does not reach it), and
// fm ends every group before it exits 130, children the transport left in the background included.
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, onTestFinished, test} from 'vitest'
import {APP_ROOT, FM_BIN, REPO_ROOT} from '../helpers/run-command.js'
import {pidsIn, survivors} from '../helpers/process-group.js'

beforeAll(() => {
  if (!existsSync(join(APP_ROOT, 'dist/commands/capture.js'))) throw new Error('fm is not built: run `npm run build` (npm test does it)')
})
const dir = mkdtempSync(join(tmpdir(), 'fm-collect-interrupt-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('an interrupted fm capture --ssh leaves no transport running', () => {
  test.for(['SIGINT', 'SIGTERM'] as const)('%s: exit 130, no capture, and no process of any transport group left', async (signal) => {
    const hosts = ['a', 'b', 'c'].map((h) => join(dir, `${signal}-${h}`))
    const out = join(dir, `${signal}-out`)
    // two hosts at once, each leaving a child in the background; the third never starts
    const template = `sh -c 'sleep 1000 & echo $$ $! > "$0"; sleep 1000' {host}`
    const child = spawn(process.execPath, [FM_BIN, 'capture', '--ssh', hosts.join(','), '--ssh-command', template, '--parallel', '2', '--out', out], {cwd: REPO_ROOT, env: {...process.env, NO_COLOR: '1'}})
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    // fm ends its transports itself even when an assertion below fails
    onTestFinished(async () => {
      if (child.exitCode === null && child.kill('SIGTERM')) await exited
    })
    const started = Date.now()
    while (!(pidsIn(hosts[0]) && pidsIn(hosts[1])) && child.exitCode === null && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 10))
    const pids = [...pidsIn(hosts[0])!, ...pidsIn(hosts[1])!]
    // per host: the transport's sh, its background sleep and its foreground sleep
    expect(survivors(pids)).toHaveLength(6)
    child.kill(signal)
    expect(await exited).toBe(130)
    expect(stderr).toMatch(/interrupted/)
    expect(survivors(pids)).toEqual([])
    expect(existsSync(hosts[2])).toBe(false)
    expect(readdirSync(dir).filter((f) => f.startsWith(`${signal}-out`) || f.startsWith('.'))).toEqual([])
  })
})
