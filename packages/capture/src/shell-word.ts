/** Characters no POSIX shell gives a meaning to: a word made of them only is left as it is. */
const PLAIN = /^[A-Za-z0-9_@+=:,./-]+$/

/**
 * One word quoted for a POSIX shell, so that pasting it gives back exactly this word and runs
 * nothing: a plain word as it is, anything else in single quotes (inside which sh expands
 * nothing), each `'` as `'\''`. A backquote is written outside the quotes too (`'\`'`), so no
 * text of a hint reads as the `option` markup the CLI turns into flag names.
 *
 * @example shellWord("h|touch${IFS}/tmp/x") // "'h|touch${IFS}/tmp/x'"
 */
export function shellWord(w: string): string {
  return PLAIN.test(w) ? w : quoted(w)
}

/**
 * A command for a person to paste into a shell, each word quoted by shellWord. A first word
 * holding `=` is quoted too: plain, sh would read it as a variable assignment, not a command.
 *
 * @example shellCommand(['ssh', '--', 'a;b', 'true']) // "ssh -- 'a;b' true"
 */
export function shellCommand(words: string[]): string {
  return words.map((w, i) => (i === 0 && w.includes('=') ? quoted(w) : shellWord(w))).join(' ')
}

function quoted(w: string): string {
  return `'${w.replace(/['`]/g, (c) => `'\\${c}'`)}'`
}
