import {spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterAll, describe, expect, test} from 'vitest'
import {shellCommand, shellWord} from '../src/index.js'

const cwd = mkdtempSync(join(tmpdir(), 'fm-shell-word-'))
afterAll(() => rmSync(cwd, {recursive: true, force: true}))
const SHELLS = ['sh', 'bash']

/** The words `shell` sees in `command` (printed by printf, NUL after each), run in an empty folder. */
function wordsIn(shell: string, command: string): string[] {
  const r = spawnSync(shell, ['-c', `printf '%s\\0' ${command}`], {cwd, encoding: 'utf8'})
  expect(r.status, r.stderr).toBe(0)
  return r.stdout.split('\0').slice(0, -1)
}

// each would run something, redirect, glob, expand or vanish if pasted unquoted
const HOSTILE = [
  'h|touch${IFS}made-by-pipe', 'h;touch${IFS}made-by-semicolon', '$(touch${IFS}made-by-subshell)', '`touch${IFS}made-by-backquote`',
  'h&&touch${IFS}made-by-and', 'h>made-by-redirect', 'h<nosuch', '*', '?', '[a]', '~root', '$HOME', '${IFS}', '#comment', '!x', '%1',
  "'", "a'b", "'$(touch${IFS}made-in-quotes)'", '"$(touch${IFS}made-in-double-quotes)"', '\\', 'a\\', '{a,b}', 'a`out`b', "''", '',
  'new\nline', 'tab\there', ' lead', '-n', '--', 'A=1', 'é∂\u202e', 'plain-host.example:22', 'user@host',
]

describe('shellWord and shellCommand: what fm suggests pastes as exactly these words and runs nothing', () => {
  test.for(SHELLS.flatMap((shell) => HOSTILE.map((w) => ({shell, w}))))('$shell reads back $w', ({shell, w}) => {
    expect(wordsIn(shell, shellCommand(['printf-arg', w, 'x']))).toEqual(['printf-arg', w, 'x'])
    expect(readdirSync(cwd)).toEqual([])
  })

  test('a plain word stays as it is; a first word that reads as an assignment is quoted', () => {
    expect(shellCommand(['ssh', '-o', 'BatchMode=yes', '--', 'web-1.example', 'true'])).toBe('ssh -o BatchMode=yes -- web-1.example true')
    expect(shellCommand(['A=1', 'true'])).toBe("'A=1' true")
    const r = spawnSync('sh', ['-c', `${shellCommand(['A=1'])} 2>/dev/null; echo $?`], {cwd, encoding: 'utf8'})
    expect(r.stdout.trim()).toBe('127') // a command not found, not an assignment that succeeds
  })

  test('no quoted word holds text the CLI reads as `option` markup', () => {
    expect(shellWord('a`out`b')).not.toMatch(/`\w+`/)
  })

  test('any string (no NUL: argv cannot hold one) comes back from sh as itself', () => {
    const word = fc.string({unit: 'binary', maxLength: 12}).filter((s) => !s.includes('\0') && Buffer.from(s).toString() === s)
    fc.assert(
      fc.property(fc.array(word, {minLength: 1, maxLength: 4}), (words) => {
        expect(wordsIn('sh', words.map(shellWord).join(' '))).toEqual(words)
      }),
      {numRuns: 150},
    )
    expect(readdirSync(cwd)).toEqual([])
  })
})
