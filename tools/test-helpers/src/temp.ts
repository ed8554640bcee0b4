import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll} from 'vitest'

// Every temporary file of a test file lives under one folder, removed after its tests (property
// tests write hundreds of dumps). The hook is registered when a test file imports this module, so
// it is its own entry point (@fm/test-helpers/temp), for test files only: benchmarks and child
// processes import the main entry, which never loads vitest.
let root: string | undefined
let written = 0
afterAll(() => {
  if (root) rmSync(root, {recursive: true, force: true})
  root = undefined
})

/** Writes JSON to a fresh temporary folder and returns the file's path. */
export function writeTemp(name: string, data: unknown): string {
  root ??= mkdtempSync(join(tmpdir(), 'fm-test-'))
  const dir = join(root, String(++written))
  mkdirSync(dir)
  const file = join(dir, name)
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data))
  return file
}
