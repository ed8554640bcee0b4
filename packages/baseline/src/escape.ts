/** Control and bidi characters become `?`, so a hostile process name cannot move a terminal's cursor or reorder text. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?')
}

/** Text for XML content and attributes: markup escaped, characters XML 1.0 forbids replaced by `?`. */
export function xmlText(s: string): string {
  return s
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
