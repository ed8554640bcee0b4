/** nftables keeps at most 128 bytes of a comment; iptables' comment match 256. */
const MAX = 120

/**
 * Text safe inside a double-quoted nftables or iptables-restore comment, from names a dump
 * controls: nftables strings have no escapes (a `"` ends them) and a newline ends a rule, so
 * everything but letters, digits, space and `.,:/_+=@()-` becomes `%XX` per UTF-8 byte (quotes,
 * backslashes, `$`, `;`, braces, control and non-ASCII characters included), cut at MAX bytes.
 */
export function commentText(s: string): string {
  let out = ''
  for (const ch of s) {
    const piece = /[A-Za-z0-9 .,:/_+=@()-]/.test(ch) ? ch : [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')
    if (out.length + piece.length > MAX) return out + '...'
    out += piece
  }
  return out
}
