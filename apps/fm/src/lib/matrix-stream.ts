import type {AnalyzeOptions} from '@fm/analyze'
import {InterruptedError, type MatrixHead} from '@fm/model'
import {AMBIGUITY_CSV_HEADER, ambiguityCsvRow, csvHeader, csvRow, dotLines, dotParts, JsonArrayWriter, MatrixJsonWriter, TABLE_HEAD, TableWidths, tableCells, tableLine, tableSummary, UNMATCHED_CSV_HEADER, unmatchedCsvRow} from '@fm/render'
import {Spill} from '@fm/store'
import type {StreamKind} from './analysis-needs.js'

/** The callbacks that write one output as analyze() hands the matrix over, and how to finish it. */
export interface MatrixStream {
  callbacks: Pick<AnalyzeOptions, 'onHead' | 'onEntry' | 'onUnmatched' | 'onAmbiguity'>
  /**
   * Writes what closes the output (after analyze() returned): for the table and dot, every row
   * read back from the spill, waiting on `ready` (backpressure) and stopping with
   * InterruptedError once `signal` is raised (Ctrl-C during this last pass).
   */
  end(signal?: AbortSignal): Promise<void>
  /** Drops what was set aside for `end` (after a failure); `end` does it itself. */
  abort(): void
}

/**
 * Writes `kind` through `write`, byte for byte what the whole-matrix writers of @fm/render
 * produce. Nothing is written before the head: an analysis that fails writes nothing.
 */
export function matrixStream(kind: StreamKind, write: (text: string) => void, ready: () => Promise<void> | undefined = nothing): MatrixStream {
  // the final passes read back up to millions of rows: yield to the event loop now and then so a Ctrl-C is seen
  let n = 0
  const pace = async (signal: AbortSignal | undefined): Promise<void> => {
    const wait = ready()
    if (wait) await wait
    if (wait || ++n % PAUSE_EVERY === 0) {
      if (!wait) await new Promise<void>((resolve) => setImmediate(resolve))
      if (signal?.aborted) throw new InterruptedError()
    }
  }
  switch (kind) {
    case 'csv':
    case 'wide-csv': {
      const wide = kind === 'wide-csv'
      return {callbacks: {onHead: () => write(csvHeader({wide})), onEntry: (e) => write(csvRow(e, {wide}))}, end: done, abort: nothing}
    }
    // The table's widths and the graph's clusters and summed edges need every entry before the
    // first line: entries go to a spill on disk (rows in order; nodes and edges sorted and summed
    // in SQLite), read back once analyze() returned.
    case 'table': {
      const spill = new Spill()
      const widths = new TableWidths()
      let head: MatrixHead | undefined
      return {
        callbacks: {
          onHead: (h) => void (head = h),
          onEntry: (e) => {
            const cells = tableCells(e)
            widths.add(cells)
            spill.addRow(JSON.stringify(cells))
          },
        },
        end: async (signal) => {
          try {
            write(tableLine(TABLE_HEAD, widths.widths) + '\n')
            for (const text of spill.rows()) {
              write(tableLine(JSON.parse(text) as string[], widths.widths) + '\n')
              await pace(signal)
            }
            write('\n' + tableSummary(widths.rows, head!.stats) + '\n')
          } finally {
            spill.close()
          }
        },
        abort: () => spill.close(),
      }
    }
    case 'dot': {
      const spill = new Spill()
      return {
        callbacks: {
          onEntry: (e) => {
            const {from, to, edge} = dotParts(e)
            spill.addNode(from.host, from.id)
            spill.addNode(to.host, to.id)
            spill.addEdge(edge.from, edge.to, edge.label, edge.n)
          },
        },
        end: async (signal) => {
          try {
            // the edges are read once every node is written (one read of the spill at a time)
            for (const line of dotLines(spill.nodes(), {[Symbol.iterator]: () => spill.edges()})) {
              write(line + '\n')
              await pace(signal)
            }
          } finally {
            spill.close()
          }
        },
        abort: () => spill.close(),
      }
    }
    case 'json': {
      const w = new MatrixJsonWriter(write)
      return {
        callbacks: {onHead: (h) => w.head(h), onEntry: (e) => w.entry(e), onUnmatched: (u) => w.unmatched(u), onAmbiguity: (a) => w.ambiguity(a)},
        end: async () => w.end(),
        abort: nothing,
      }
    }
    // --list-no-peers shows no entries: they are read and dropped, never held
    case 'unmatched-csv':
      return {callbacks: {onHead: () => write(UNMATCHED_CSV_HEADER), onEntry: dropEntry, onUnmatched: (u) => write(unmatchedCsvRow(u))}, end: done, abort: nothing}
    case 'unmatched-json': {
      let w: JsonArrayWriter | undefined
      return {
        callbacks: {onHead: () => (w = new JsonArrayWriter(write)), onEntry: dropEntry, onUnmatched: (u) => w!.item(u)},
        end: async () => {
          w!.end()
          write('\n')
        },
        abort: nothing,
      }
    }
    // --list-ambiguities: the clients whose server socket could live on more than one host
    case 'ambiguities-csv':
      return {callbacks: {onHead: () => write(AMBIGUITY_CSV_HEADER), onEntry: dropEntry, onAmbiguity: (a) => write(ambiguityCsvRow(a))}, end: done, abort: nothing}
    case 'ambiguities-json': {
      let w: JsonArrayWriter | undefined
      return {
        callbacks: {onHead: () => (w = new JsonArrayWriter(write)), onEntry: dropEntry, onAmbiguity: (a) => w!.item(a)},
        end: async () => {
          w!.end()
          write('\n')
        },
        abort: nothing,
      }
    }
  }
}

const dropEntry = (): void => undefined
const nothing = (): undefined => undefined
const done = async (): Promise<void> => undefined
/** Rows written between two looks at the signal in a final pass. */
const PAUSE_EVERY = 20_000
