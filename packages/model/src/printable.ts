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
