import {BIDI_CONTROLS as BIDI, printable} from '@fm/model'

const XML_BIDI = new RegExp(`[\\u007f-\\u009f\\u2028\\u2029${BIDI}]`, 'g')
const YAML_UNSAFE = new RegExp(`[\\u007f-\\u009f\\u2028\\u2029\\ufeff${BIDI}]`, 'g')

/**
 * A YAML double-quoted scalar (TAP diagnostics): JSON's escapes, plus `\uXXXX` for the bidi and
 * C1 controls and line separators JSON leaves raw, so a viewer shows them instead of obeying them.
 */
export function yamlString(s: string): string {
  return JSON.stringify(s).replace(YAML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * Text for XML content and attributes: markup escaped, characters XML 1.0 forbids replaced by `?`,
 * and so are bidi and C1 controls (a character reference would only bring them back in a CI's test tab).
 */
export function xmlText(s: string): string {
  return s
    .replace(XML_BIDI, '?')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '?')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
}

/** Text for Markdown (GitHub flavour): markup characters escaped, HTML neutralised, mentions defused, safe inside a table cell. */
export function mdText(s: string): string {
  return printable(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    // a zero-width space keeps "@team" and "#123" from notifying people or linking issues
    .replace(/([@#])/g, '$1\u200b')
}

/** Text for a TAP test line: one line, and `#` escaped so it cannot start a SKIP/TODO directive. */
export function tapText(s: string): string {
  return printable(s).replace(/\\/g, '\\\\').replace(/#/g, '\\#')
}

/**
 * True when a plain YAML scalar reads back as this very string: a word starting with a letter,
 * that YAML does not take for a boolean or null (a name such as `1e3` or `0x10` would read back
 * as a number, `True` as a boolean).
 */
export function plainSafe(v: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.@+-]*$/.test(v) && !/^(true|false|null)$/i.test(v)
}
