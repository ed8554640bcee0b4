import {UsageError} from '@fm/model'
import {shellCommand} from '@fm/capture'

/** The transport when none is given: the user's ssh, keys, agent and config; never a prompt. */
export const DEFAULT_SSH_COMMAND = 'ssh -o BatchMode=yes -- {host}'

/**
 * Splits a transport template into argv words (whitespace-separated; '…' and "…" quote) and
 * puts the host into each `{host}`: the host always stays inside its word, no shell ever sees
 * it. The collector's command (`sh -s -- MODE`) is appended; the script goes on stdin.
 *
 * @example transportArgv('ip netns exec {host}', 'web-1', 'own') // ['ip', 'netns', 'exec', 'web-1', 'sh', '-s', '--', 'own']
 */
export function transportArgv(template: string, host: string, mode: 'all' | 'own'): string[] {
  const words = splitTemplate(template)
  if (words.length === 0) throw new UsageError('the --ssh-command template is empty')
  if (!words.some((w) => w.includes('{host}'))) throw new UsageError(`the --ssh-command template ${JSON.stringify(template)} has no {host}`, [`Put {host} where the destination goes, e.g. '${DEFAULT_SSH_COMMAND}'.`])
  return [...words.map((w) => w.split('{host}').join(host)), 'sh', '-s', '--', mode]
}

const SECRET_NAME = /pass(word|wd|phrase)?|secret|token|credential/i
const MASK = '***'

/**
 * The template as fm records and shows it (manifest, messages): the same words with any secret
 * the user put in it replaced by `***`, so a capture folder or a log never carries a password.
 * Masked: the value of an option named like a secret (`--password=X`, `--password X`), plink's
 * `-pw X`, sshpass's `-p X` (for ssh `-p` is a port), an environment assignment named like a
 * secret (`SSHPASS=X`), and the password of a URL (`ssh://user:X@host`).
 *
 * @example describeTransport('sshpass -p hunter2 ssh -- {host}') // 'sshpass -p *** ssh -- {host}'
 */
export function describeTransport(template: string): string {
  return maskedWords(template).map(quoteWord).join(' ')
}

/**
 * The command a person can paste to try the transport on `host` (it runs `true` there): the
 * shown template's words with the host in each `{host}`, every word quoted for the shell, so
 * a host name such as `h|touch${IFS}/tmp/x` stays one word and runs nothing.
 *
 * @example transportTryCommand('ssh -- {host}', 'a;b') // "ssh -- 'a;b' true"
 */
export function transportTryCommand(template: string, host: string): string {
  return shellCommand([...maskedWords(template).map((w) => w.split('{host}').join(host)), 'true'])
}

/** The template's words, each secret replaced by `***` (see describeTransport). */
function maskedWords(template: string): string[] {
  const words = splitTemplate(template)
  const out: string[] = []
  let program = ''
  for (let i = 0; i < words.length; i++) {
    const w = words[i]
    const eq = w.indexOf('=')
    if (eq > 0 && SECRET_NAME.test(w.slice(0, eq))) {
      out.push(`${w.slice(0, eq)}=${MASK}`)
    } else if (i + 1 < words.length && takesSecret(w, program)) {
      out.push(w, MASK)
      i++
    } else {
      out.push(w.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:)[^/@\s]*@/gi, `$1${MASK}@`))
      if (!w.startsWith('-') && eq < 0) program = w.split('/').pop() ?? ''
    }
  }
  return out
}

/** Whether option word `w`, given to `program`, takes a secret as its next word. */
function takesSecret(w: string, program: string): boolean {
  if (!w.startsWith('-')) return false
  if (w === '-p') return program === 'sshpass'
  if (w === '-pw') return true
  return w.startsWith('--') && SECRET_NAME.test(w)
}

/** A word in the template's own syntax ('…' or "…", no escapes), so the shown template reads back as the same words. */
function quoteWord(w: string): string {
  if (w !== '' && !/[\s'"]/.test(w)) return w
  return w.includes("'") ? `"${w}"` : `'${w}'`
}

function splitTemplate(t: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: string | null = null
  for (const ch of t) {
    if (quote) {
      if (ch === quote) quote = null
      else word += ch
    } else if (ch === "'" || ch === '"') {
      quote = ch
      inWord = true
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += ch
      inWord = true
    }
  }
  if (quote) throw new UsageError(`the --ssh-command template ${JSON.stringify(t)} has an unclosed ${quote}`)
  if (inWord) words.push(word)
  return words
}
