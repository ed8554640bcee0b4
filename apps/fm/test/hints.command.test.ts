// Every command fm suggests with a name the user gave in it pastes as exactly those words.
import {mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import Analyze from '../src/commands/analyze.js'
import {HOSTILE, pastedWords} from './helpers/paste.js'
import {runCommand} from './helpers/run-command.js'

const dir = mkdtempSync(join(tmpdir(), 'fm-hints-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const pasteDir = join(dir, 'paste')
mkdirSync(pasteDir)
const CSV = 'protocol,server,server_ip,port,server_proc,server_procname,client,client_ip,client_proc,client_procname\r\n'

/** A file named `name` holding `text`, in a folder of its own. */
function fileNamed(name: string, text: string): string {
  const folder = mkdtempSync(join(dir, 'f-'))
  writeFileSync(join(folder, name), text)
  return join(folder, name)
}

describe('suggested commands quote what the user named', () => {
  test.for(HOSTILE)('fm analyze --analyzer with dump %s: the capture-then-analyze command', async (name) => {
    const dump = fileNamed(name, '[]')
    const r = await runCommand(Analyze, ['--analyzer', '127.0.0.1:1', dump])
    expect(r.exitCode).toBe(2)
    const hint = /Try: To add a live capture to dumps: (.*) && (.*)$/m.exec(r.stderr)
    expect(hint, r.stderr).not.toBeNull()
    expect(pastedWords(hint![1], pasteDir)).toEqual(['fm', 'capture', '--analyzer', '127.0.0.1:1', '--out', 'site'])
    expect(pastedWords(hint![2], pasteDir)).toEqual(['fm', 'analyze', 'site', dump])
    expect(readdirSync(pasteDir)).toEqual([])
  })

  test.for(HOSTILE)('fm analyze of a matrix CSV named %s: the fm check command', async (name) => {
    const csv = fileNamed(`${name}.csv`, CSV)
    const r = await runCommand(Analyze, [csv])
    expect(r.exitCode).toBe(2)
    const hint = /Try: .*or check one with (.*)$/m.exec(r.stderr)
    expect(hint, r.stderr).not.toBeNull()
    expect(pastedWords(hint![1], pasteDir)).toEqual(['fm', 'check', csv, '--baseline', 'baseline.yaml'])
    expect(readdirSync(pasteDir)).toEqual([])
  })
})
