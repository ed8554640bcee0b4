// Running from sources, the reading worker runs from sources too (read-worker.ts through tsx).
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {gzipSync} from 'node:zlib'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {afterAll, describe, expect, test} from 'vitest'
import {InputError} from '@fm/model'
import {matrixToJson} from '@fm/render'
import {analyze} from '../src/index.js'
import {readerScript, readPacked, runningReaders} from '../src/read-packed.js'
import {writeDeployment} from '@fm/gen'

const dir = mkdtempSync(join(tmpdir(), 'fm-read-worker-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const fixture = (p: string): string => new URL(`../../../fixtures/${p}`, import.meta.url).pathname

/** Every table of a kept database, rows in storage order. */
function tables(db: string): Record<string, unknown[]> {
  const conn = new Database(db, {readonly: true})
  try {
    const names = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]
    return Object.fromEntries(names.map((n) => [n, conn.prepare(`SELECT * FROM "${n}" ORDER BY rowid`).all()]))
  } finally {
    conn.close()
  }
}

let runs = 0
async function both(inputs: string[], extra: {useFlows?: boolean} = {}): Promise<{inline: [string, unknown]; worker: [string, unknown]}> {
  const once = async (readInWorker: boolean): Promise<[string, unknown]> => {
    const db = join(dir, `run-${++runs}.db`)
    const m = await analyze({inputs, db, readInWorker, states: 'any', ...extra})
    return [matrixToJson(m).replaceAll(db, 'DB'), tables(db)]
  }
  return {inline: await once(false), worker: await once(true)}
}

describe('reading in a worker thread', () => {
  test('the worker runs from the current sources, never a build of them', () => {
    const script = readerScript()
    expect(script?.url.pathname).toMatch(/src\/read-worker-source\.mjs$/)
    expect(script?.execArgv).toEqual(['--conditions', 'fm-source'])
  })

  test.each([
    ['the real two-agent dump', () => [fixture('skydive/two-agents.json')]],
    ['a capture folder', () => [fixture('capture/two-agents')]],
    ['a gzip-compressed dump', () => {
      const gz = join(dir, 'two-agents.json.gz')
      writeFileSync(gz, gzipSync(readFileSync(fixture('skydive/two-agents.json'))))
      return [gz]
    }],
    ['a generated deployment with flows', () => {
      const d = writeDeployment({hosts: 40, seed: 11, flows: true}, join(dir, 'gen'))
      return [d.dump, d.flows!]
    }],
  ])('%s: the same matrix and the same database as reading inline', async (_name, inputs) => {
    const {inline, worker} = await both(inputs(), {useFlows: true})
    expect(worker[0]).toBe(inline[0])
    expect(worker[1]).toStrictEqual(inline[1])
    expect(JSON.parse(inline[0]).entries.length).toBeGreaterThan(0)
  })

  test.each([
    ['truncated', '[{"Nodes":[{"ID":"a","Metadata":{"Type":"host","Name":"h"'],
    ['invalid JSON', '[{"Nodes":[{"ID":"a",,}],"Edges":[]}]'],
    ['a wrong field type', '[{"Nodes":[{"ID":"a","Host":"h","Metadata":{"Type":"host","Name":"h","Sockets":[{"LocalAddress":"1.2.3.4","LocalPort":"80","Protocol":"TCP"}]}}],"Edges":[]}]'],
  ])('%s: the same InputError as reading inline', async (name, text) => {
    const file = join(dir, `${name.replaceAll(' ', '-')}.json`)
    writeFileSync(file, text)
    const errorOf = async (readInWorker: boolean): Promise<unknown> => analyze({inputs: [file], readInWorker}).then(() => null, (e: unknown) => e)
    const inline = await errorOf(false)
    const worker = await errorOf(true)
    expect(inline).toBeInstanceOf(InputError)
    expect(worker).toBeInstanceOf(InputError)
    expect((worker as InputError).message).toBe((inline as InputError).message)
    expect((worker as InputError).file).toBe(file)
  })

  test('a reader left early stops its worker', async () => {
    const d = writeDeployment({hosts: 200, seed: 5}, join(dir, 'early'))
    const before = runningReaders()
    let batches = 0
    for await (const b of readPacked(d.dump, {worker: true})) {
      expect(b.records.length).toBeGreaterThan(0)
      expect(runningReaders()).toBe(before + 1)
      if (++batches === 2) break
    }
    expect(batches).toBe(2)
    // the generator's finally terminated the worker before the loop moved on
    expect(runningReaders()).toBe(before)
  })
})
