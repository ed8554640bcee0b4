import {appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {InputError} from '@fm/model'
import {readCapture, sniffDump, type CaptureManifest} from '@fm/ingest'

const GOLDEN = 'fixtures/capture/two-agents'
const work = mkdtempSync(join(tmpdir(), 'fm-read-capture-'))
afterAll(() => rmSync(work, {recursive: true, force: true}))

let n = 0
/** A copy of the golden capture, changed by `damage`. */
function damaged(damage: (dir: string, manifest: CaptureManifest) => CaptureManifest | void): string {
  const dir = join(work, `case-${++n}`)
  cpSync(GOLDEN, dir, {recursive: true})
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CaptureManifest
  const changed = damage(dir, manifest)
  if (changed) writeFileSync(join(dir, 'manifest.json'), JSON.stringify(changed))
  return dir
}

describe('readCapture', () => {
  test('reads the golden capture: one snapshot whose files are the five targeted responses', async () => {
    expect(await sniffDump(GOLDEN)).toBe('capture')
    const cap = await readCapture(GOLDEN)
    expect(cap.snapshots).toHaveLength(1)
    expect(cap.snapshots[0].files.map((f) => f.slice(GOLDEN.length + 1))).toEqual([
      'snapshot-1/hosts.json', 'snapshot-1/netns.json', 'snapshot-1/interfaces.json', 'snapshot-1/interfaces-v6.json', 'snapshot-1/ownership.json',
    ])
    expect(cap.snapshots[0].timeContext).toBeNull()
    expect(cap.manifest.counts.sockets).toBe(174)
  })

  test.for<{name: string; damage: (dir: string, m: CaptureManifest) => CaptureManifest | void; message: RegExp}>([
    {name: 'no manifest (an interrupted capture)', damage: (dir) => rmSync(join(dir, 'manifest.json')), message: /is a folder without manifest\.json: not a complete fm capture/},
    {name: 'a manifest that is not JSON', damage: (dir) => writeFileSync(join(dir, 'manifest.json'), '{"format": "fm-capt'), message: /manifest\.json is not valid JSON .*: the capture is damaged/},
    {name: 'another format', damage: (_d, m) => ({...m, format: 'other' as 'fm-capture'}), message: /manifest\.json: format should be "fm-capture"/},
    {name: 'a newer version', damage: (_d, m) => ({...m, version: 2}), message: /capture format version 2 is not supported \(this fm reads version 1\)/},
    {name: 'a missing response', damage: (dir) => rmSync(join(dir, 'snapshot-1', 'netns.json')), message: /snapshot-1\/netns\.json is missing: the capture is incomplete/},
    {name: 'a truncated response', damage: (dir) => writeFileSync(join(dir, 'snapshot-1', 'hosts.json'), '[{"ID"'), message: /snapshot-1\/hosts\.json has 6 bytes, the manifest says 38362: the capture is damaged/},
    {name: 'a response with bytes added', damage: (dir) => appendFileSync(join(dir, 'snapshot-1', 'ownership.json'), ' '), message: /ownership\.json has \d+ bytes, the manifest says \d+/},
    {
      name: 'a response changed in place (same size)',
      damage: (dir) => {
        const f = join(dir, 'snapshot-1', 'hosts.json')
        writeFileSync(f, readFileSync(f, 'utf8').replace('ESTABLISHED', 'ESTABLISHEX'))
      },
      message: /snapshot-1\/hosts\.json: SHA-256 [0-9a-f]{64} does not match the manifest \([0-9a-f]{64}\): the capture is damaged/,
    },
    {
      name: 'a response path leaving the folder',
      damage: (_d, m) => {
        m.snapshots[0].responses[0].file = '../../etc/passwd'
        return m
      },
      message: /snapshots\[0\]\.responses\[0\]\.file should be a relative path inside the capture folder/,
    },
    {name: 'no snapshots', damage: (_d, m) => ({...m, snapshots: []}), message: /snapshots should be a non-empty array/},
  ])('refuses $name with an InputError naming the folder', async ({damage, message}) => {
    const dir = damaged(damage)
    const err = await readCapture(dir).catch((e: Error) => e)
    expect(err).toBeInstanceOf(InputError)
    expect((err as Error).message.startsWith(`${dir}: `)).toBe(true)
    expect((err as Error).message).toMatch(message)
  })

  test('with a whole G next to targeted responses, loads only G (no host twice) and never flow-sockets', async () => {
    const dir = damaged((d, m) => {
      const r = m.snapshots[0].responses
      const graph = {...r[0], role: 'graph' as const}
      const flowSockets = {...r[1], role: 'flow-sockets' as const}
      m.snapshots[0].responses = [...r, graph, flowSockets]
      return m
    })
    const cap = await readCapture(dir)
    expect(cap.snapshots[0].files.map((f) => f.slice(dir.length + 1))).toEqual(['snapshot-1/hosts.json'])
  })
})
