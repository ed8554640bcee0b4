import {createHash} from 'node:crypto'
import {constants} from 'node:fs'
import {lstat, open, realpath, type FileHandle} from 'node:fs/promises'
import {isAbsolute, join, normalize, sep} from 'node:path'
import {InputError} from '@fm/model'
import {MAX_RECORD_BYTES} from './limits.js'

/** The `format` field of every fm capture manifest. */
export const CAPTURE_FORMAT = 'fm-capture'
/** The manifest version this build writes and reads. */
export const CAPTURE_VERSION = 1
/** The manifest's file name inside a capture folder; written last, so its presence means "complete". */
export const MANIFEST_FILE = 'manifest.json'

/**
 * What a response holds, so a reader knows how to use it without re-parsing the query:
 * `graph` is a whole `G`; `hosts`/`netns`/`interfaces` are node arrays; `ownership` an edge
 * array; `flows` a flow array; `flow-sockets` a `Flows()...Sockets()` map keyed by flow UUID.
 */
export type ResponseRole = 'graph' | 'hosts' | 'netns' | 'interfaces' | 'interfaces-v6' | 'ownership' | 'flows' | 'flow-sockets'

/** Records found in one response (or summed over a snapshot or capture). */
export interface RecordCounts {
  hosts: number
  sockets: number
  interfaces: number
  netns: number
  ownership: number
  flows: number
}

export interface CaptureResponse {
  role: ResponseRole
  /** The Gremlin query exactly as sent (time context included). */
  query: string
  /** Path relative to the capture folder, `/`-separated. */
  file: string
  bytes: number
  sha256: string
  /** HTTP attempts it took (more than 1 after retries). */
  attempts: number
  startedAt: string
  endedAt: string
  counts: RecordCounts
}

export interface CaptureSnapshot {
  label: string
  startedAt: string
  endedAt: string
  responses: CaptureResponse[]
  counts: RecordCounts
}

export interface CaptureManifest {
  format: typeof CAPTURE_FORMAT
  version: number
  tool: {name: string; version: string}
  /** Base URL of the analyzer, never with credentials. */
  analyzer: string
  /** Whether the capture logged in (the user name and password are not recorded). */
  authenticated: boolean
  /** The Gremlin time context, as `--at` and `--duration` gave it; null for "now". */
  timeContext: {at: string; duration: number | null; gremlin: string} | null
  options: {full: boolean; useFlows: boolean; everySeconds: number | null; count: number}
  startedAt: string
  endedAt: string
  snapshots: CaptureSnapshot[]
  counts: RecordCounts
}

/** A verified capture: the manifest, and per snapshot the response files matching reads. */
export interface CaptureContents {
  dir: string
  manifest: CaptureManifest
  snapshots: {
    label: string
    timeContext: string | null
    startedAt: string
    endedAt: string
    /** Absolute paths of the responses whose records go into the store, in load order. */
    files: string[]
  }[]
}

const ROLES: ResponseRole[] = ['graph', 'hosts', 'netns', 'interfaces', 'interfaces-v6', 'ownership', 'flows', 'flow-sockets']

/**
 * Reads an fm capture folder: checks the manifest, then the size and SHA-256 of every
 * response, before anything is loaded. Throws InputError for a damaged or incomplete capture.
 */
export async function readCapture(dir: string): Promise<CaptureContents> {
  const manifest = await readManifest(dir)
  const root = await realpath(dir)
  for (const snap of manifest.snapshots) {
    for (const r of snap.responses) await verifyResponse(dir, root, r)
  }
  return {
    dir,
    manifest,
    snapshots: manifest.snapshots.map((s) => ({
      label: s.label,
      timeContext: manifest.timeContext?.gremlin ?? null,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      files: loadOrder(s.responses).map((r) => join(dir, ...r.file.split('/'))),
    })),
  }
}

/**
 * The responses whose records matching uses. A whole `G` already holds every node and edge,
 * so the targeted responses are skipped next to it (loading both would duplicate hosts).
 * `flow-sockets` maps are keyed by flow UUID, not by node: the store would take them for
 * hosts, so they wait for flow matching.
 */
function loadOrder(responses: CaptureResponse[]): CaptureResponse[] {
  const hasGraph = responses.some((r) => r.role === 'graph')
  return responses.filter((r) => {
    if (r.role === 'flow-sockets') return false
    if (r.role === 'flows' || r.role === 'graph') return true
    return !hasGraph
  })
}

/** Reads and checks an fm capture folder's manifest (a regular file, bounded before it is read). */
export async function readManifest(dir: string): Promise<CaptureManifest> {
  let text: string
  let fh: FileHandle | undefined
  try {
    fh = await openRegular(dir, MANIFEST_FILE)
    // read whole, so bounded first: one record's bound (some 20,000 snapshots of 8 responses)
    const {size} = await fh.stat()
    if (size > MAX_RECORD_BYTES) throw new InputError(dir, `${MANIFEST_FILE} has ${size} bytes: expected at most ${MAX_RECORD_BYTES / 1048576} MiB, so the capture is damaged`)
    text = await fh.readFile('utf8')
  } catch (e) {
    if (e instanceof InputError) throw e
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputError(dir, `is a folder without ${MANIFEST_FILE}: not a complete fm capture (an interrupted capture leaves no manifest)`, [
        'Run fm capture again, or pass the dump files inside the folder one by one.',
      ])
    }
    throw new InputError(dir, `cannot read ${MANIFEST_FILE} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  } finally {
    await fh?.close()
  }
  let m: unknown
  try {
    m = JSON.parse(text)
  } catch (e) {
    throw new InputError(dir, `${MANIFEST_FILE} is not valid JSON (${(e as Error).message}): the capture is damaged`)
  }
  return checkManifest(dir, m)
}

/**
 * Opens a file of the capture folder for reading, refusing anything but a regular file: a
 * symbolic link (which could point out of the folder, or at /dev/zero), a FIFO (which would
 * block forever), a device or a folder. Opened without following a link and without blocking,
 * then checked on the open descriptor, so nothing can be swapped in between.
 */
async function openRegular(dir: string, rel: string): Promise<FileHandle> {
  const file = join(dir, ...rel.split('/'))
  const fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ELOOP' || e.code === 'EMLINK') throw new InputError(dir, `${rel} is a symbolic link: a capture folder holds regular files only`)
    throw e
  })
  const st = await fh.stat()
  if (!st.isFile()) {
    await fh.close()
    const what = st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isDirectory() ? 'a folder' : st.isSocket() ? 'a socket' : 'not a file'
    throw new InputError(dir, `${rel} is ${what}, not a regular file: a capture folder holds regular files only`)
  }
  return fh
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function checkManifest(dir: string, m: unknown): CaptureManifest {
  const bad = (path: string, expected: string): never => {
    throw new InputError(dir, `${MANIFEST_FILE}: ${path} should be ${expected}: the capture is damaged`)
  }
  if (!isObj(m)) return bad('the top level', 'an object')
  if (m.format !== CAPTURE_FORMAT) bad('format', `"${CAPTURE_FORMAT}"`)
  if (m.version !== CAPTURE_VERSION) {
    throw new InputError(dir, `${MANIFEST_FILE}: capture format version ${JSON.stringify(m.version)} is not supported (this fm reads version ${CAPTURE_VERSION})`, [
      'Analyze it with the fm version that captured it (see tool.version in the manifest).',
    ])
  }
  if (!Array.isArray(m.snapshots) || m.snapshots.length === 0) bad('snapshots', 'a non-empty array')
  if (m.timeContext !== null && !(isObj(m.timeContext) && typeof m.timeContext.gremlin === 'string')) bad('timeContext', 'null or an object with a gremlin string')
  // a response listed twice would be loaded twice: every count doubled
  const listed = new Map<string, string>()
  ;(m.snapshots as unknown[]).forEach((s, i) => {
    const p = `snapshots[${i}]`
    if (!isObj(s)) return bad(p, 'an object')
    for (const k of ['label', 'startedAt', 'endedAt']) if (typeof s[k] !== 'string') bad(`${p}.${k}`, 'a string')
    if (!Array.isArray(s.responses)) return bad(`${p}.responses`, 'an array')
    s.responses.forEach((r: unknown, j: number) => {
      const rp = `${p}.responses[${j}]`
      if (!isObj(r)) return bad(rp, 'an object')
      if (!ROLES.includes(r.role as ResponseRole)) bad(`${rp}.role`, `one of ${ROLES.join(', ')}`)
      if (typeof r.file !== 'string' || !safeRelative(r.file)) bad(`${rp}.file`, 'a relative path inside the capture folder')
      const key = normalize(r.file as string)
      const first = listed.get(key)
      if (first !== undefined) throw new InputError(dir, `${MANIFEST_FILE}: ${rp}.file ${JSON.stringify(r.file)} is the file ${first} lists already: the capture is damaged`)
      listed.set(key, `${rp}.file`)
      if (typeof r.bytes !== 'number' || !Number.isInteger(r.bytes) || r.bytes < 0) bad(`${rp}.bytes`, 'a byte count')
      if (typeof r.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(r.sha256)) bad(`${rp}.sha256`, 'a SHA-256 in hex')
    })
  })
  return m as unknown as CaptureManifest
}

/** The manifest is untrusted: a response path must stay inside the folder. */
function safeRelative(file: string): boolean {
  if (file === '' || isAbsolute(file) || file.includes('\\') || file.includes('\0')) return false
  const n = normalize(file)
  return n !== '..' && !n.startsWith(`..${sep}`) && !n.split(/[\\/]/).includes('..')
}

async function verifyResponse(dir: string, root: string, r: CaptureResponse): Promise<void> {
  // a folder on the way may be a link out of the capture: the real path must stay inside
  const real = await realpath(join(dir, ...r.file.split('/'))).catch(() => null)
  if (real === null) {
    const st = await lstat(join(dir, ...r.file.split('/'))).catch(() => null)
    if (st === null) throw new InputError(dir, `${r.file} is missing: the capture is incomplete`)
  } else if (!real.startsWith(root + sep)) throw new InputError(dir, `${r.file} leads out of the capture folder (through a symbolic link): a capture folder holds regular files only`)
  let fh: FileHandle
  try {
    fh = await openRegular(dir, r.file)
  } catch (e) {
    if (e instanceof InputError) throw e
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(dir, `${r.file} is missing: the capture is incomplete`)
    throw new InputError(dir, `${r.file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
  try {
    const {size} = await fh.stat()
    if (size !== r.bytes) throw new InputError(dir, `${r.file} has ${size} bytes, the manifest says ${r.bytes}: the capture is damaged (truncated or modified)`)
    const hash = createHash('sha256')
    for await (const chunk of fh.createReadStream({autoClose: false})) hash.update(chunk as Buffer)
    const sum = hash.digest('hex')
    if (sum !== r.sha256) throw new InputError(dir, `${r.file}: SHA-256 ${sum} does not match the manifest (${r.sha256}): the capture is damaged`)
  } finally {
    await fh.close()
  }
}
