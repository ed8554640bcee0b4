import {spawnSync} from 'node:child_process'

/**
 * The words sh sees in `command`, as a person pasting it would run it (in folder `cwd`, where
 * anything the command ran could create a file): `sh -c "printf '%s\0' COMMAND"`.
 */
export function pastedWords(command: string, cwd: string): string[] {
  const r = spawnSync('sh', ['-c', `printf '%s\\0' ${command}`], {cwd, encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`sh could not read ${JSON.stringify(command)}: ${r.stderr}`)
  return r.stdout.split('\0').slice(0, -1)
}

/**
 * Names each of which runs, redirects, globs or expands something when pasted unquoted; all are
 * host names --ssh accepts (no space, no control character, no leading -) and file names.
 */
export const HOSTILE = [
  'h|touch${IFS}made-by-pipe', 'h;touch${IFS}made-by-semicolon', '$(touch${IFS}made-by-subshell)', '`touch${IFS}made-by-backquote`',
  'h&&touch${IFS}made-by-and', 'h>made-by-redirect', '*', '~root', '$HOME', '#x', '!x', "a'b", "'$(touch${IFS}made-in-quotes)'",
  '"$(touch${IFS}made-in-double-quotes)"', '{a,b}', 'a`out`b', 'h\\', 'A=1',
]
