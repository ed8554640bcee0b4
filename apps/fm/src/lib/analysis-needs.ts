/** An output `fm analyze` writes piece by piece while the store hands the matrix over. */
export type StreamKind = 'csv' | 'wide-csv' | 'json' | 'dot' | 'table' | 'unmatched-csv' | 'unmatched-json' | 'ambiguities-csv' | 'ambiguities-json'

/** What `fm analyze` asks of the analysis for one output: only what that output shows. */
export interface AnalysisNeeds {
  /** Streamed outputs never hold the matrix or its lists; only publishing (--format skydive) does. */
  stream: StreamKind | null
  /** Keep the lists of unmatched sockets and ambiguities in the result (hundreds of thousands on a large deployment). */
  lists: boolean
  /** Proofs per entry: they appear only in JSON. */
  evidenceLimit: number
}

/**
 * Decides from the output flags. Boolean flags that were not given are `undefined`, never
 * `false`: everything here is a real boolean, so the library's defaults (which build the
 * lists) never kick in by accident.
 */
export function analysisNeeds(flags: {format: string; json: boolean; listNoPeers?: boolean; listAmbiguities?: boolean}): AnalysisNeeds {
  // publishing needs the matrix; with --json the whole result is returned to oclif, which prints it
  if (flags.format === 'skydive' && flags.json) return {stream: null, lists: true, evidenceLimit: 10}
  // --json prints the document --format json streams (oclif could only print a returned value whole)
  if (flags.json) return {stream: 'json', lists: false, evidenceLimit: 10}
  if (flags.listAmbiguities === true) return {stream: flags.format === 'json' ? 'ambiguities-json' : 'ambiguities-csv', lists: false, evidenceLimit: 0}
  if (flags.listNoPeers === true) return {stream: flags.format === 'json' ? 'unmatched-json' : 'unmatched-csv', lists: false, evidenceLimit: 0}
  switch (flags.format) {
    case 'csv':
    case 'wide-csv':
    case 'dot':
    case 'table':
      return {stream: flags.format, lists: false, evidenceLimit: 0}
    case 'json':
      return {stream: 'json', lists: false, evidenceLimit: 10}
    default:
      return {stream: null, lists: false, evidenceLimit: 0}
  }
}
