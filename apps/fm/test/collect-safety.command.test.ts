// What fm capture --ssh suggests is safe to paste, and a transport it ends leaves nothing running.
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import Capture from '../src/commands/capture.js'
import {HOSTILE, pastedWords} from './helpers/paste.js'
import {pidsIn, survivors} from './helpers/process-group.js'
import {runCommand} from './helpers/run-command.js'

const dir = mkdtempSync(join(tmpdir(), 'fm-collect-safety-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
let n = 0
const fresh = (): string => join(dir, `out-${++n}`)
// where a pasted hint runs: anything it creates shows up here
const pasteDir = mkdtempSync(join(dir, 'paste-'))

const wordsIn = (command: string): string[] => pastedWords(command, pasteDir)

const TRY = /^\s*Try: Check that this works from this machine: (.*)$/m

describe('fm capture --ssh: the command it suggests runs nothing a host name holds', () => {
  test.for(['false {host}', '{host}'].flatMap((template) => HOSTILE.map((host) => ({template, host}))))('$template, host $host', async ({template, host}) => {
    const list = join(dir, `hosts-${++n}.txt`)
    writeFileSync(list, `${host}\n`)
    // a host holding # or , cannot be given as a comma list, nor one holding # in a file
    const spec = host.includes('#') ? host : `@${list}`
    const r = await runCommand(Capture, ['--ssh', spec, '--ssh-command', template, '--namespaces', 'own', '--out', fresh()])
    expect(r.exitCode, r.stderr).toBe(3)
    const hint = TRY.exec(r.stderr)?.[1]
    expect(hint, r.stderr).toBeDefined()
    expect(wordsIn(hint!)).toEqual([...template.split(' ').map((w) => w.replace('{host}', host)), 'true'])
    expect(readdirSync(pasteDir)).toEqual([])
  })

  test('a secret in the template stays masked in the command', async () => {
    const r = await runCommand(Capture, ['--ssh', 'h;x', '--ssh-command', 'env SSH_PASSWORD=hunter2 false {host}', '--namespaces', 'own', '--out', fresh()])
    expect(r.stderr).not.toContain('hunter2')
    expect(wordsIn(TRY.exec(r.stderr)![1])).toEqual(['env', 'SSH_PASSWORD=***', 'false', 'h;x', 'true'])
  })
})

describe('fm capture --host-timeout ends everything the transport started', () => {
  // the transport leaves a child in the background and waits in the foreground, as an ssh
  // whose remote command forks would; the second one's child also ignores SIGTERM
  test.for([
    {name: 'a background child', script: 'sleep 1000 & echo $$ $! > "$0"; sleep 1000'},
    {name: 'a background child that ignores SIGTERM', script: '(trap "" TERM; exec sleep 1000) & echo $$ $! > "$0"; sleep 1000'},
    {name: 'a background writer that keeps the output open', script: '(while :; do echo x; sleep 1; done) & echo $$ $! > "$0"; exit 0'},
  ])('$name: the host fails, and no process of its group outlives the capture', async ({script}) => {
    const pids = join(dir, `pids-${++n}`)
    const r = await runCommand(Capture, ['--ssh', pids, '--ssh-command', `sh -c '${script}' {host}`, '--host-timeout', '1', '--namespaces', 'own', '--out', fresh()])
    expect(r.exitCode).toBe(3)
    expect(r.stderr).toMatch(/timed out after 1 s/)
    const started = pidsIn(pids)
    expect(started, 'the transport wrote its pids').not.toBeNull()
    expect(survivors(started!)).toEqual([])
  })
})
