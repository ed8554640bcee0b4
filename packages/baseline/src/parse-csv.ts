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
 * A final line break does not start an empty record.
 */
export function parseCsv(text: string): CsvField[][] {
  const rows: CsvField[][] = []
  let row: CsvField[] = []
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let line = 1
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
