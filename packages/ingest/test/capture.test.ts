import {execFileSync} from 'node:child_process'
import {appendFileSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs'
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

/** Replaces the hosts response by what `make` puts at its path, with a manifest that matches it (0 bytes, empty SHA-256). */
function emptied(dir: string, m: CaptureManifest, make: (file: string) => void): CaptureManifest {
  const r = m.snapshots[0].responses[0]
  rmSync(join(dir, r.file))
  make(join(dir, r.file))
  r.bytes = 0
  r.sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
  return m
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
    {
      // a sparse file: its size is refused before a byte of it is read, let alone held whole
      name: 'a manifest over 64 MiB',
      damage: (dir) => truncateSync(join(dir, 'manifest.json'), (64 << 20) + 1),
      message: /manifest\.json has 67108865 bytes: expected at most 64 MiB, so the capture is damaged$/,
    },
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
    {
      name: 'a response listed twice (its records would count twice)',
      damage: (_d, m) => {
        m.snapshots[0].responses.push({...m.snapshots[0].responses[0], role: 'graph'})
        return m
      },
      message: /manifest\.json: snapshots\[0\]\.responses\[5\]\.file "snapshot-1\/hosts\.json" is the file snapshots\[0\]\.responses\[0\]\.file lists already/,
    },
    {name: 'a response that is a FIFO', damage: (dir, m) => emptied(dir, m, (f) => execFileSync('mkfifo', [f])), message: /snapshot-1\/hosts\.json is a FIFO, not a regular file: a capture folder holds regular files only/},
    {name: 'a response linked to /dev/zero', damage: (dir, m) => emptied(dir, m, (f) => symlinkSync('/dev/zero', f)), message: /snapshot-1\/hosts\.json leads out of the capture folder \(through a symbolic link\): a capture folder holds regular files only/},
    {name: 'a response linked to another file of the folder', damage: (dir, m) => emptied(dir, m, (f) => symlinkSync('netns.json', f)), message: /snapshot-1\/hosts\.json is a symbolic link: a capture folder holds regular files only/},
    {
      name: 'a response linked to a file outside with the same content',
      damage: (dir) => {
        const f = join(dir, 'snapshot-1', 'hosts.json')
        renameSync(f, `${dir}-outside.json`)
        symlinkSync(`${dir}-outside.json`, f)
      },
      message: /snapshot-1\/hosts\.json leads out of the capture folder \(through a symbolic link\)/,
    },
    {
      name: 'a snapshot folder linked outside',
      damage: (dir) => {
        renameSync(join(dir, 'snapshot-1'), `${dir}-snapshot`)
        symlinkSync(`${dir}-snapshot`, join(dir, 'snapshot-1'))
      },
      message: /snapshot-1\/hosts\.json leads out of the capture folder/,
    },
    {
      name: 'a manifest that is a symbolic link',
      damage: (dir) => {
        renameSync(join(dir, 'manifest.json'), join(dir, 'real-manifest.json'))
        symlinkSync(join(dir, 'real-manifest.json'), join(dir, 'manifest.json'))
      },
      message: /manifest\.json is a symbolic link: a capture folder holds regular files only/,
    },
    {
      name: 'a manifest that is a FIFO',
      damage: (dir) => {
        rmSync(join(dir, 'manifest.json'))
        execFileSync('mkfifo', [join(dir, 'manifest.json')])
      },
      message: /manifest\.json is a FIFO, not a regular file/,
    },
    {
      name: 'a response that is a folder',
      damage: (dir, m) => emptied(dir, m, (f) => mkdirSync(f)),
      message: /snapshot-1\/hosts\.json is a folder, not a regular file/,
    },
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
      copyFileSync(join(d, r[0].file), join(d, 'snapshot-1', 'graph.json'))
      copyFileSync(join(d, r[1].file), join(d, 'snapshot-1', 'flow-sockets.json'))
      const graph = {...r[0], role: 'graph' as const, file: 'snapshot-1/graph.json'}
      const flowSockets = {...r[1], role: 'flow-sockets' as const, file: 'snapshot-1/flow-sockets.json'}
      m.snapshots[0].responses = [...r, graph, flowSockets]
      return m
    })
    const cap = await readCapture(dir)
    expect(cap.snapshots[0].files.map((f) => f.slice(dir.length + 1))).toEqual(['snapshot-1/graph.json'])
  })
})
