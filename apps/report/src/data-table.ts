import {appendAll} from './deferred-markup.js'
import {fmtInt, h, stableId} from './dom.js'

export interface TableCell {
  text: string
  /** Full value shown on hover (e.g. the executable path behind a process name). */
  title?: string
  /** Sort key for numeric columns. */
  value?: number
}

export interface TableSpec {
  id: string
  caption: string
  columns: {label: string; numeric?: boolean}[]
  rows: (string | number | TableCell)[][]
  /** Rows there were before the cut to `rows`. */
  total: number
  /** Where the rows left out can be found. */
  more?: string
  /** Which rows are kept when cut, for the filter's note: `busiest rows` gives "0 of the 1,000 busiest rows match". */
  kept?: string
  /** The command the filter's note offers for all rows, the search appended: `fm analyze --host`. */
  command?: string
  /** Row ids, made stable from these keys with `idPrefix`. */
  rowIds?: string[]
  idPrefix?: string
  /** Cells hold several lines (newlines kept). */
  lines?: boolean
  /** The filter matches these columns only (default: the whole row). */
  matchColumn?: number | number[]
}

/**
 * A table that reads fine without JavaScript; the page's script adds sorting (click a header)
 * and a filter box. Numeric cells carry their value in `data-v` so sorting needs no parsing.
 */
export function dataTable(document: Document, t: TableSpec): HTMLElement {
  const head = h(document, 'tr', {}, t.columns.map((c, i) => h(document, 'th', {scope: 'col', class: c.numeric ? 'num' : null, 'data-col': i}, c.label)))
  const body = h(document, 'tbody', {})
  appendAll(document, body, (function* () {
    for (const [r, row] of t.rows.entries()) {
      yield h(
        document,
        'tr',
        {id: t.rowIds ? stableId(t.idPrefix ?? t.id, t.rowIds[r]) : null},
        row.map((v, i) => {
          const cell: TableCell = typeof v === 'object' ? v : {text: typeof v === 'number' ? fmtInt(v) : v, value: typeof v === 'number' ? v : undefined}
          return h(document, 'td', {class: t.columns[i].numeric ? 'num' : null, title: cell.title, 'data-v': cell.value}, cell.text)
        }),
      )
    }
  })())
  // the kept rows named as the filter's note names them: "the 1,000 busiest rows (of 17,553)"
  const shown = t.rows.length < t.total ? `the ${fmtInt(t.rows.length)} ${t.kept ?? 'rows kept'} (of ${fmtInt(t.total)})` : `${fmtInt(t.total)} row${t.total === 1 ? '' : 's'}`
  return h(
    document,
    'div',
    {class: 'table-block'},
    h(document, 'div', {class: 'table-tools'},
      h(document, 'input', {type: 'search', class: 'filter', 'data-table': t.id, 'data-kept': t.rows.length, 'data-total': t.total, 'data-kind': t.kept ?? 'rows kept', 'data-cmd': t.command, 'data-col': t.matchColumn === undefined ? undefined : [t.matchColumn].flat().join(' '), placeholder: 'filter rows…', 'aria-label': `filter ${t.caption}`, hidden: true}),
      h(document, 'span', {class: 'muted'}, `${shown}${t.rows.length < t.total && t.more ? `; ${t.more}` : ''}`),
    ),
    // the script fills it while a search is typed: how many rows match, and where the rest are
    h(document, 'p', {class: 'filter-note', 'data-for': t.id, 'aria-live': 'polite', hidden: true}),
    h(document, 'div', {class: 'table-wrap'}, h(document, 'table', {id: t.id, class: t.lines ? 'sortable lines' : 'sortable'}, h(document, 'caption', {}, t.caption), h(document, 'thead', {}, head), body)),
  )
}
