import {UsageError} from '@fm/model'

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
