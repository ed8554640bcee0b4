/** What `fm analyze` asks of the analysis for one output: only what that output shows. */
export interface AnalysisNeeds {
  /** CSV is written entry by entry as the store hands the entries over. */
  streamCsv: boolean
  /** The lists of unmatched sockets and ambiguities (hundreds of thousands on a large deployment). */
  lists: boolean
  /** Proofs per entry: they appear only in JSON. */
  evidenceLimit: number
}

/**
 * Decides from the output flags. Boolean flags that were not given are `undefined`, never
 * `false`: everything here is a real boolean, so the library's defaults (which build the
 * lists) never kick in by accident.
 */
export function analysisNeeds(flags: {format: string; json: boolean; listNoPeers?: boolean}): AnalysisNeeds {
  const json = flags.json || flags.format === 'json'
  const listNoPeers = flags.listNoPeers === true
  return {
    streamCsv: !flags.json && !listNoPeers && (flags.format === 'csv' || flags.format === 'wide-csv'),
    lists: json || listNoPeers,
    evidenceLimit: json ? 10 : 0,
  }
}
