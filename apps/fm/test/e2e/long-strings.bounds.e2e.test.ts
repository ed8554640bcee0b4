import {spawnSync} from 'node:child_process'
import {createWriteStream, existsSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {createGzip} from 'node:zlib'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {APP_ROOT, FM_BIN, REPO_ROOT} from '../helpers/run-command.js'
import {scratch} from '../check-fixture.js'

// Issue 31, finding 5: a small gzip dump holding one huge string was buffered whole before the
// 4,096-character limit was checked (6.5 MB of gzip holding a 1.5 GB ID peaked at 4.49 GB; 800 M
// characters at 2.5 GB; past ~512 M characters in one record, a RangeError and exit 1).
beforeAll(() => {
  if (!existsSync(join(APP_ROOT, 'dist/commands/analyze.js'))) throw new Error('fm is not built: run `npm run build` (npm test does it)')
})
const tmp = scratch('fm-long-strings-')
afterAll(() => tmp.cleanup())

const BLOCK = Buffer.alloc(1 << 20, 'a')

/** Writes a gzip dump made of `pieces` (text, or a run of `count` letters), generated as it is compressed: no string is ever held. */
async function gzipDump(name: string, pieces: (string | number)[]): Promise<string> {
  const file = join(tmp.dir, name)
  async function* bytes(): AsyncGenerator<Buffer> {
    for (const p of pieces) {
      if (typeof p === 'string') yield Buffer.from(p)
      else for (let left = p; left > 0; left -= BLOCK.length) yield BLOCK.subarray(0, Math.min(left, BLOCK.length))
    }
  }
  await pipeline(Readable.from(bytes()), createGzip({level: 1}), createWriteStream(file))
  return file
}

/** Runs the built fm on `file` with the bench's RSS probe preloaded: exit status, stderr and peak RSS (MB) of the whole process, worker thread included. */
function analyze(file: string): {status: number | null; stderr: string; rssMB: number} {
  const probe = join(tmp.dir, 'probe.json')
  const r = spawnSync(process.execPath, ['-r', join(REPO_ROOT, 'tools/bench/src/rss-probe.cjs'), FM_BIN, 'analyze', file], {
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1', FM_BENCH_PROBE_FILE: probe},
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const {maxRss} = JSON.parse(readFileSync(probe, 'utf8')) as {maxRss: number}
  return {status: r.status, stderr: r.stderr, rssMB: maxRss / 1e6}
}

const host = (name: string): string => `{"ID": "${name}", "Host": "${name}", "Metadata": {"Type": "host", "Name": "${name}", "Sockets": []}}`
const M = 1_000_000

describe('fm analyze refuses a huge string in a small gzip dump while it streams (exit 3, under 400 MB)', () => {
  test.for([
    {what: 'one 800 M-character ID (a kept field)', pieces: ['[{"Nodes": [', host('a'), ', {"ID": "', 800 * M, '", "Metadata": {"Type": "host"}}], "Edges": []}]'], path: '$[0].Nodes[1].ID'},
    {what: 'one 800 M-character field fm drops', pieces: ['[{"Nodes": [', host('a'), ', {"ID": "b", "Metadata": {"Type": "host", "Description": "', 800 * M, '"}}], "Edges": []}]'], path: '$[0].Nodes[1].Metadata.Description'},
    {
      what: 'eight 100 M-character fields fm drops, in one record',
      pieces: ['[{"Nodes": [', host('a'), ', {"ID": "b", "Metadata": {"Type": "host", ', ...Array.from({length: 8}, (_, i) => [`"Note${i}": "`, 100 * M, '", ']).flat(), '"Name": "b"}}], "Edges": []}]'],
      path: '$[0].Nodes[1].Metadata.Note0',
    },
  ])('$what', async ({what, pieces, path}) => {
    const file = await gzipDump(`${what.replace(/\W+/g, '-')}.json.gz`, pieces)
    // the opening quote of the first long string: the last byte of the text before it
    const at = (pieces.slice(0, pieces.findIndex((p) => typeof p === 'number')) as string[]).join('').length - 1
    const r = analyze(file)
    expect(r.status).toBe(3)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toBe(`Error: ${file}: ${path}: expected a string of at most 16 MiB (fm keeps texts of at most 4096 characters), got a longer one starting at byte ${at}`)
    // before: 2.5 GB for 800 M characters in an ID, a RangeError (exit 1) for 800 M in one record
    expect(r.rssMB).toBeLessThan(400)
    expect(statSync(file).size).toBeLessThan(8 * M)
  })
})
