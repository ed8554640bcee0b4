import type {AnalyzeOptions} from '@fm/analyze'
import {AMBIGUITY_CSV_HEADER, ambiguityCsvRow, csvHeader, csvRow, JsonArrayWriter, MatrixJsonWriter, UNMATCHED_CSV_HEADER, unmatchedCsvRow} from '@fm/render'
import type {StreamKind} from './analysis-needs.js'

/** The callbacks that write one output as analyze() hands the matrix over, and how to finish it. */
export interface MatrixStream {
  callbacks: Pick<AnalyzeOptions, 'onHead' | 'onEntry' | 'onUnmatched' | 'onAmbiguity'>
  /** Writes what closes the output (after analyze() returned). */
  end(): void
}

/**
 * Writes `kind` through `write`, byte for byte what the whole-matrix writers of @fm/render
 * produce. Nothing is written before the head: an analysis that fails writes nothing.
 */
export function matrixStream(kind: StreamKind, write: (text: string) => void): MatrixStream {
  switch (kind) {
    case 'csv':
    case 'wide-csv': {
      const wide = kind === 'wide-csv'
      return {callbacks: {onHead: () => write(csvHeader({wide})), onEntry: (e) => write(csvRow(e, {wide}))}, end: () => undefined}
    }
    case 'json': {
      const w = new MatrixJsonWriter(write)
      return {
        callbacks: {onHead: (h) => w.head(h), onEntry: (e) => w.entry(e), onUnmatched: (u) => w.unmatched(u), onAmbiguity: (a) => w.ambiguity(a)},
        end: () => w.end(),
      }
    }
    // --list-no-peers shows no entries: they are read and dropped, never held
    case 'unmatched-csv':
      return {callbacks: {onHead: () => write(UNMATCHED_CSV_HEADER), onEntry: dropEntry, onUnmatched: (u) => write(unmatchedCsvRow(u))}, end: () => undefined}
    case 'unmatched-json': {
      let w: JsonArrayWriter | undefined
      return {
        callbacks: {onHead: () => (w = new JsonArrayWriter(write)), onEntry: dropEntry, onUnmatched: (u) => w!.item(u)},
        end: () => {
          w!.end()
          write('\n')
        },
      }
    }
    // --list-ambiguities: the clients whose server socket could live on more than one host
    case 'ambiguities-csv':
      return {callbacks: {onHead: () => write(AMBIGUITY_CSV_HEADER), onEntry: dropEntry, onAmbiguity: (a) => write(ambiguityCsvRow(a))}, end: () => undefined}
    case 'ambiguities-json': {
      let w: JsonArrayWriter | undefined
      return {
        callbacks: {onHead: () => (w = new JsonArrayWriter(write)), onEntry: dropEntry, onAmbiguity: (a) => w!.item(a)},
        end: () => {
          w!.end()
          write('\n')
        },
      }
    }
  }
}

const dropEntry = (): void => undefined
