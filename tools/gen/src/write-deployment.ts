import {closeSync, mkdirSync, openSync, writeFileSync, writeSync} from 'node:fs'
import {join} from 'node:path'
import {generateDeployment, type GenerateOptions, type TruthSummary} from './generate.js'

export interface WrittenDeployment {
  dir: string
  dump: string
  dumpBytes: number
  flows: string | null
  summary: TruthSummary
}

/** Writes chunks to a file through a 1 MB buffer, so memory stays flat whatever the size. */
function writeChunks(file: string, chunks: Iterable<string>): number {
  const fd = openSync(file, 'w')
  let buf: string[] = []
  let pending = 0
  let total = 0
  const flush = (): void => {
    const b = Buffer.from(buf.join(''), 'utf8')
    writeSync(fd, b)
    total += b.length
    buf = []
    pending = 0
  }
  try {
    for (const c of chunks) {
      buf.push(c)
      pending += c.length
      if (pending >= 1 << 20) flush()
    }
    flush()
  } finally {
    closeSync(fd)
  }
  return total
}

/**
 * Writes a generated deployment into `dir`: `dump.json` (the `G` response), `matrix.csv`
 * (the ground truth fm analyze must print), `unmatched.csv` (what --list-no-peers must print),
 * `truth.json` (expected counts), and with `flows`: `flows.json` and `flows-matrix.csv`.
 */
export function writeDeployment(opts: GenerateOptions, dir: string): WrittenDeployment {
  mkdirSync(dir, {recursive: true})
  const d = generateDeployment(opts)
  const dump = join(dir, 'dump.json')
  const dumpBytes = writeChunks(dump, d.dump())
  writeFileSync(join(dir, 'matrix.csv'), d.matrixCsv())
  writeFileSync(join(dir, 'unmatched.csv'), d.unmatchedCsv())
  let flows: string | null = null
  if (opts.flows) {
    flows = join(dir, 'flows.json')
    writeChunks(flows, d.flows())
    writeFileSync(join(dir, 'flows-matrix.csv'), d.flowsCsv())
  }
  const summary = d.summary()
  writeFileSync(join(dir, 'truth.json'), JSON.stringify({options: {hosts: opts.hosts, seed: opts.seed, controllers: opts.controllers ?? null, flows: opts.flows ?? false}, ...summary}, null, 2) + '\n')
  return {dir, dump, dumpBytes, flows, summary}
}
