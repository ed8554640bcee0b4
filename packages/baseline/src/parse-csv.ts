/** A CSV field with where it starts (1-based line and column) and whether it was quoted. */
export interface CsvField {
  value: string
  quoted: boolean
  line: number
  col: number
}

/** A CSV syntax error at a 1-based line and column. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly col: number,
    detail: string,
  ) {
    super(`line ${line}, column ${col}: ${detail}`)
  }
}

/**
 * Parses RFC 4180 CSV: fields separated by commas, records by CRLF (a bare LF is accepted too),
 * fields containing commas, quotes or line breaks quoted with `"`, quotes doubled inside.
 * A final line break does not start an empty record. `firstLine`: the line `text` starts at
 * in its file (for a piece cut by csvPieces).
 */
export function parseCsv(text: string, firstLine = 1): CsvField[][] {
  const rows: CsvField[][] = []
  let row: CsvField[] = []
  // a byte order mark opens a file, never a later piece of it (see csvPieces)
  let i = firstLine === 1 && text.charCodeAt(0) === 0xfeff ? 1 : 0
  let line = firstLine
  let lineStart = i
  const n = text.length
  while (i < n) {
    const col = i - lineStart + 1
    const startLine = line
    let value = ''
    let quoted = false
    if (text[i] === '"') {
      quoted = true
      i++
      for (;;) {
        if (i >= n) throw new CsvSyntaxError(startLine, col, 'a quoted field is never closed')
        const c = text[i]
        if (c === '"') {
          if (text[i + 1] === '"') {
            value += '"'
            i += 2
            continue
          }
          i++
          break
        }
        if (c === '\n') {
          line++
          lineStart = i + 1
        }
        value += c
        i++
      }
      if (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        throw new CsvSyntaxError(line, i - lineStart + 1, `unexpected ${JSON.stringify(text[i])} after a closing quote`)
      }
    } else {
      const start = i
      while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new CsvSyntaxError(line, i - lineStart + 1, 'a quote inside an unquoted field')
        i++
      }
      value = text.slice(start, i)
    }
    row.push({value, quoted, line: startLine, col})
    if (i >= n) break
    if (text[i] === ',') {
      i++
      if (i >= n) row.push({value: '', quoted: false, line, col: i - lineStart + 1})
      continue
    }
    // end of record: CRLF or LF (a lone CR too, as some writers emit it)
    if (text[i] === '\r' && text[i + 1] === '\n') i++
    i++
    rows.push(row)
    row = []
    line++
    lineStart = i
  }
  if (row.length) rows.push(row)
  return rows
}

/**
 * Cuts CSV text arriving in chunks into pieces of whole records, for parseCsv one at a time: each
 * piece ends at the last line break outside quotes (an even count of `"` since the piece began:
 * doubled quotes inside a field count twice), with the line it starts at. Memory holds one chunk
 * and the record it ends inside, not the file. Example:
 * `for await (const p of csvPieces(createReadStream(f, 'utf8'))) for (const row of parseCsv(p.text, p.line)) ...`
 */
export async function* csvPieces(chunks: AsyncIterable<string>): AsyncGenerator<{text: string; line: number}> {
  let held = ''
  /** Quotes in `held` so far, and how far it was scanned. */
  let quotes = 0
  let scanned = 0
  let line = 1
  for await (const chunk of chunks) {
    held += chunk
    let cut = -1
    for (let i = scanned; i < held.length; i++) {
      const c = held.charCodeAt(i)
      if (c === 34) quotes++
      else if (c === 10 && (quotes & 1) === 0) cut = i
    }
    scanned = held.length
    if (cut < 0) continue
    const text = held.slice(0, cut + 1)
    yield {text, line}
    line += countLines(text)
    held = held.slice(cut + 1)
    quotes = 0
    for (let i = 0; i < held.length; i++) if (held.charCodeAt(i) === 34) quotes++
    scanned = held.length
  }
  if (held) yield {text: held, line}
}

/** The lines parseCsv counts in `text`: every LF, and a lone CR outside quotes (a record separator). */
function countLines(text: string): number {
  let n = 0
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34) quoted = !quoted
    else if (c === 10) n++
    else if (c === 13 && !quoted && text.charCodeAt(i + 1) !== 10) n++
  }
  return n
}
