/** Unicode's bidirectional controls (embeddings, overrides, isolates, marks): they reorder the text around them. */
export const BIDI_CONTROLS = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069'
const UNPRINTABLE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI_CONTROLS}]`, 'g')

/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidi controls become `?`,
 * so a hostile process name cannot move a terminal's cursor, recolour it, break a line or
 * reorder the text around it.
 */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, '?')
}

/**
 * Someone else's message (an analyzer's error body, a transport's stderr) as one line of at most
 * `max` characters: runs of control characters become one space, and a longer text ends in `...`.
 */
export function oneLine(s: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  return t.length > max ? `${t.slice(0, max - 3)}...` : t
}
