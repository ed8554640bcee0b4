// The reading thread: parses one dump file into packed batches and posts them to the thread that
// owns the database, a few ahead at most (the receiver acknowledges each one), so memory stays
// bounded when inserting is slower than parsing.
import {parentPort, workerData} from 'node:worker_threads'
import {FmError, InputError} from '@fm/model'
import {readJsonDump, type ReadProgress} from '@fm/ingest'
import {packRecords} from '@fm/store'
import type {FromReader, ToReader} from './read-packed.js'

const AHEAD = 4

const port = parentPort!
const {file} = workerData as {file: string}
let inFlight = 0
let wake: (() => void) | null = null
port.on('message', (m: ToReader) => {
  if (m.type === 'ack') {
    inFlight--
    wake?.()
    wake = null
  }
})
const post = (m: FromReader, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer)

async function main(): Promise<void> {
  let progress: ReadProgress | null = null
  try {
    const records = readJsonDump(file, {rawSockets: true, onProgress: (p) => (progress = p)})
    for await (const batch of packRecords(records)) {
      while (inFlight >= AHEAD) await new Promise<void>((resolve) => (wake = resolve))
      inFlight++
      post({type: 'batch', batch, progress}, [batch.sockets.buffer as ArrayBuffer])
      progress = null
    }
    post({type: 'done', progress})
  } catch (e) {
    post({type: 'error', error: describeError(e)})
  }
}

function describeError(e: unknown): (FromReader & {type: 'error'})['error'] {
  if (e instanceof InputError) return {kind: 'input', file: e.file, message: e.message, suggestions: e.suggestions}
  if (e instanceof FmError) return {kind: 'fm', name: e.name, message: e.message, suggestions: e.suggestions}
  const err = e instanceof Error ? e : new Error(String(e))
  return {kind: 'other', message: err.message, stack: err.stack}
}

void main()
