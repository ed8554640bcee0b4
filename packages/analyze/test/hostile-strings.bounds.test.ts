import {mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, expect, test} from 'vitest'
import {analyze} from '@fm/analyze'
import {readJsonDump} from '@fm/ingest'
import {InputError} from '@fm/model'

const dir = mkdtempSync(join(tmpdir(), 'fm-hostile-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/**
 * A G dump of `hosts` hosts whose long strings (a description, a note on every socket) are
 * `text`: with `text` made of escapes, the closing quote of each is far from its many
 * backslashes. They sit in fields fm reads past but does not keep (a kept text over 4,096
 * characters is refused as bad input), so the reader has to scan every byte of them.
 */
function dump(text: string, hosts = 8): string {
  const nodes = []
  for (let h = 0; h < hosts; h++) {
    const sockets = [
      {LocalAddress: `10.0.0.${h + 1}`, LocalPort: 80, RemoteAddress: '0.0.0.0', RemotePort: 0, Protocol: 'TCP', State: 'LISTEN', Process: '/usr/sbin/srv', Pid: 1, Name: 'srv', Note: text},
      {LocalAddress: `10.0.0.${h + 1}`, LocalPort: 40000, RemoteAddress: `10.0.0.${((h + 1) % hosts) + 1}`, RemotePort: 80, Protocol: 'TCP', State: 'ESTABLISHED', Process: '/usr/bin/cli', Pid: 2, Name: 'cli', Note: text},
    ]
    nodes.push({ID: `host-${h}`, Host: `h${h}`, Metadata: {Type: 'host', Name: `h${h}`, Description: text, Sockets: sockets}})
  }
  return JSON.stringify([{Nodes: nodes, Edges: []}])
}

/** The fastest of a few runs: the least disturbed by the other work on the machine. */
async function fastest(run: () => Promise<unknown>, times = 3): Promise<number> {
  let best = Infinity
  for (let i = 0; i < times; i++) {
    const t = performance.now()
    await run()
    best = Math.min(best, performance.now() - t)
  }
  return best
}

// 300k escapes per string: before the scanner cached its next quote, each escape searched again
// for the closing quote, and this dump took seconds where the plain one takes milliseconds.
const N = 300_000

test('a dump whose strings are all escapes analyzes in at most 3x the time of a plain one of the same size', async () => {
  // JSON.stringify writes a quote, a backslash and a newline as two-byte escapes: N of them take the bytes of 'ab' N times
  const hostile = join(dir, 'escapes.json')
  const plain = join(dir, 'plain.json')
  writeFileSync(hostile, dump('"\\\n'.repeat(N / 3)))
  writeFileSync(plain, dump('ab'.repeat(N)))
  expect(statSync(hostile).size).toBe(statSync(plain).size)
  const a = await analyze({inputs: [hostile], readInWorker: false, lists: false})
  const b = await analyze({inputs: [plain], readInWorker: false, lists: false})
  expect(a.stats.sockets).toBe(16)
  expect(b.stats.sockets).toBe(16)
  const run = (f: string) => () => analyze({inputs: [f], readInWorker: false, lists: false, evidenceLimit: 0})
  const tPlain = await fastest(run(plain))
  const tHostile = await fastest(run(hostile))
  expect(tHostile / tPlain).toBeLessThanOrEqual(3)
}, 60_000)

test('a huge property name split over many small reads costs no more than records of the same size', async () => {
  // a Sockets() map keyed by a 4 MB node id: the key is outside any record, so it is rescanned
  // whenever a read ends inside it; held chunks make the rescans geometric, not one per read.
  // The key is refused once read (a node id over 4,096 characters is bad input): reaching that
  // refusal must cost no more than reading plain records of the same size.
  const key = 'k'.repeat(4 << 20)
  const hostile = join(dir, 'key.json')
  writeFileSync(hostile, `[{"${key}": []}]`)
  const plain = join(dir, 'records.json')
  writeFileSync(plain, dump('ab'.repeat(30_000), 64))
  const read = (f: string) => async () => {
    let n = 0
    try {
      for await (const _ of readJsonDump(f, {chunkSize: 4096})) n++
    } catch (e) {
      if (!(e instanceof InputError) || !/at most 4096 characters/.test(e.message)) throw e
      return -1
    }
    return n
  }
  expect(await read(hostile)()).toBe(-1)
  expect(await read(plain)()).toBeGreaterThan(0)
  const tPlain = await fastest(read(plain))
  const tHostile = await fastest(read(hostile))
  expect(tHostile / tPlain).toBeLessThanOrEqual(3)
}, 60_000)
