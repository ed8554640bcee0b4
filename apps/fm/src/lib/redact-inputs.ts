import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Flags} from '@oclif/core'
import {UsageError} from '@fm/model'
import {loadOrCreateKey, redactCapture, type RedactKey} from '@fm/redact'

/** `--redact --key FILE` of the commands that read dumps (analyze, report, diff, check, baseline). */
export const redactFlags = {
  redact: Flags.boolean({summary: 'Redact the inputs first, as fm redact does (into a temporary capture, deleted afterwards): the output shows only pseudonyms.'}),
  key: Flags.string({summary: 'With --redact: the redaction key file (created when missing, mode 0600); the same key gives the same pseudonyms as fm redact.', helpValue: 'FILE'}),
}

/** Reads or creates the key file, saying on stderr when it was created, and warning when others may read it. */
export async function redactionKey(file: string): Promise<RedactKey> {
  const {key, created, mode} = await loadOrCreateKey(file)
  if (created) {
    process.stderr.write(`created the redaction key ${file} (mode 0600, fingerprint ${key.fingerprint}): keep it private and reuse it, so later redactions of this site get the same pseudonyms\n`)
  }
  // whoever reads the key can redact guessed names and addresses and match them: the pseudonyms are as private as the key
  if (mode & 0o077) {
    process.stderr.write(`warning: the redaction key ${file} can be read or written by others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): chmod 600 ${shellWord(file)}\n`)
  }
  return key
}

/** `file` as one word of a POSIX shell command line, quoted only when it needs to be. */
function shellWord(file: string): string {
  const word = file.startsWith('-') ? `./${file}` : file
  return /^[\w./@%+=:,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

/**
 * Hands `work` the inputs, or with `--redact` a temporary redacted capture of them (removed
 * afterwards whatever happens): the simplest honest way to analyze, report or compare
 * redacted data is to redact it first, with the very code of `fm redact`.
 */
export async function withRedactedInputs<T>(
  inputs: string[],
  flags: {redact?: boolean; key?: string},
  opts: {toolVersion: string; signal?: AbortSignal; onProgress?: (line: string) => void},
  work: (inputs: string[]) => Promise<T>,
): Promise<T> {
  if (!flags.redact) {
    if (flags.key !== undefined) throw new UsageError('--key applies to --redact', ['Add --redact to analyze the inputs redacted.'])
    return work(inputs)
  }
  if (flags.key === undefined) throw new UsageError('--redact needs --key FILE (created when missing)', ['Use the key of earlier redactions of this site to get the same pseudonyms.'])
  const key = await redactionKey(flags.key)
  // a capture fm redact already wrote with this key is used as it is: redacting it again would
  // give pseudonyms of pseudonyms, which nothing else matches
  const done = await Promise.all(inputs.map((i) => redactedWith(i, key.fingerprint)))
  const todo = inputs.filter((_, i) => !done[i])
  if (todo.length === 0) return work(inputs)
  const dir = await mkdtemp(join(tmpdir(), 'fm-redacted-'))
  try {
    const out = join(dir, 'redacted')
    await redactCapture({
      inputs: todo, out, key, toolVersion: opts.toolVersion, signal: opts.signal,
      onProgress: (p) => opts.onProgress?.(`redacting ${p.file}: ${(p.bytesRead / 1e6).toFixed(1)} of ${(p.totalBytes / 1e6).toFixed(1)} MB`),
    })
    const first = done.indexOf(false)
    return await work(inputs.flatMap((input, i) => (done[i] ? [input] : i === first ? [out] : [])))
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

/** Whether `input` is a capture folder fm redact wrote with the key of this fingerprint. */
async function redactedWith(input: string, fingerprint: string): Promise<boolean> {
  try {
    if (!(await stat(input)).isDirectory()) return false
    const m = JSON.parse(await readFile(join(input, 'manifest.json'), 'utf8')) as {redaction?: {keyFingerprint?: unknown}}
    return m.redaction?.keyFingerprint === fingerprint
  } catch {
    return false // not a capture, or a damaged one: redacting reads it and says what is wrong
  }
}
