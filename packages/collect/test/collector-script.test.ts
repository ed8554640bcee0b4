import {readFileSync} from 'node:fs'
import {expect, test} from 'vitest'
import {collectorScript} from '../src/index.js'

test('collectorScript is the shipped collector/fm-collect.sh, byte for byte', () => {
  const shipped = readFileSync(new URL('../collector/fm-collect.sh', import.meta.url), 'utf8')
  expect(shipped).toMatch(/^#!\/bin\/sh/)
  expect(collectorScript()).toBe(shipped)
})
