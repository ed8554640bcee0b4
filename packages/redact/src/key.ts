import {createHash, createHmac, randomBytes} from 'node:crypto'
import {chmod, open, readFile, stat} from 'node:fs/promises'
import {dirname} from 'node:path'
import {existsSync} from 'node:fs'
import {InputError, UsageError} from '@fm/model'

/** The secret behind every pseudonym, and what may be said about it. */
export interface RedactKey {
  /** Keys Crypto-PAn (32 bytes: AES key, padding seed). */
  readonly cryptoPan: Buffer
  /** Keys the HMAC of names, ids and path components. */
  readonly names: Buffer
  /** `sha256:` and 16 hex digits of a hash of the key: tells two keys apart, gives nothing of it. */
  readonly fingerprint: string
}

const KEY_TEXT = /^[0-9a-f]{64}$/

/** Derives the working keys from a 32-byte secret; each use gets its own HMAC-derived key. */
export function keyFromSecret(secret: Uint8Array): RedactKey {
  if (secret.length !== 32) throw new RangeError(`a redaction key is 32 bytes, got ${secret.length}`)
  const derive = (use: string): Buffer => createHmac('sha256', secret).update(`fm-redact/${use}`).digest()
  return {
    cryptoPan: derive('crypto-pan'),
    names: derive('names'),
    fingerprint: `sha256:${createHash('sha256').update('fm-redact/fingerprint\0').update(secret).digest('hex').slice(0, 16)}`,
  }
}

/**
 * Reads the key file, or creates it (32 random bytes as 64 hex digits, mode 0600, never
 * overwriting a file that appears meanwhile) when it does not exist. The key never appears in
 * an error message. `mode` is the file's permission bits: one readable by others (`mode & 0o077`)
 * gives the pseudonyms away to whoever reads it, which the caller should say.
 */
export async function loadOrCreateKey(file: string): Promise<{key: RedactKey; created: boolean; mode: number}> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code !== 'ENOENT') throw new InputError(file, `cannot read the key file (${code})`)
    if (!existsSync(dirname(file))) throw new UsageError(`cannot create the key file ${file}: folder ${dirname(file)} does not exist`)
    const secret = randomBytes(32)
    let fh
    try {
      fh = await open(file, 'wx', 0o600)
    } catch (e2) {
      throw new UsageError(`cannot create the key file ${file} (${(e2 as NodeJS.ErrnoException).code})`)
    }
    try {
      await fh.writeFile(secret.toString('hex') + '\n')
    } finally {
      await fh.close()
    }
    await chmod(file, 0o600) // whatever the umask
    return {key: keyFromSecret(secret), created: true, mode: 0o600}
  }
  const st = await stat(file)
  if (st.isDirectory()) throw new InputError(file, 'is a folder, not a key file')
  const hex = text.trim().toLowerCase()
  if (!KEY_TEXT.test(hex)) throw new InputError(file, 'is not an fm redaction key (expected 64 hexadecimal digits on one line)', ['Give the key file fm redact created, or a path that does not exist yet to create one.'])
  return {key: keyFromSecret(Buffer.from(hex, 'hex')), created: false, mode: st.mode & 0o7777}
}
