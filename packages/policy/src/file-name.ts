import {createHash} from 'node:crypto'

/** Longest encoded host name kept whole in a file name (file systems allow 255 bytes, the extension needs a few). */
const MAX_NAME = 200

/**
 * A file name for a host name from a dump: letters, digits, `-`, `_` and `.` (not leading) are
 * kept, every other byte of its UTF-8 is `%XX` (so `/`, `..`, control characters and `%` itself
 * never appear raw; a lone UTF-16 surrogate is `%uXXXX`). The encoding is one-to-one, so two hosts never share a file; a name too long
 * for a file system keeps its start and gets a hash of the whole name (files also say their host
 * inside, see hostHeader). Examples: `web-1` → `web-1`, `../etc` → `%2E.%2Fetc`, `` → `%`.
 */
export function hostFileName(host: string): string {
  if (host === '') return '%'
  let out = ''
  for (const [i, ch] of [...host].entries()) {
    if (/[A-Za-z0-9_-]/.test(ch) || (ch === '.' && i > 0)) out += ch
    // a lone surrogate has no UTF-8: %uXXXX keeps it apart from the others ('u' is no hex digit)
    else if (ch.length === 1 && ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdfff) out += `%u${ch.charCodeAt(0).toString(16).toUpperCase()}`
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  if (out.length <= MAX_NAME) return out
  const hash = createHash('sha256').update(host, 'utf8').digest('hex').slice(0, 16)
  return `${out.slice(0, MAX_NAME - 18).replace(/%(u[0-9A-F]{0,3}|[0-9A-F]?)$/, '')}~${hash}`
}

/** The line naming a file's host: a comment in both nftables and iptables-restore syntax, ASCII only. */
export function hostHeader(host: string): string {
  return `# fm-policy-host: ${asciiJson(host)}`
}

/** Reads the host back from hostHeader's line; null when the text has none. */
export function readHostHeader(text: string): string | null {
  const m = /^# fm-policy-host: (".*")$/m.exec(text)
  if (!m) return null
  try {
    const v = JSON.parse(m[1]) as unknown
    return typeof v === 'string' ? v : null
  } catch {
    return null
  }
}

/** JSON string with everything outside printable ASCII as \uXXXX: one line whatever the text. */
export function asciiJson(s: string): string {
  return JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
