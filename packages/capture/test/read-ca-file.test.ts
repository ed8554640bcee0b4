import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {UsageError} from '@fm/model'
import {readCaFile} from '@fm/capture'

describe('readCaFile', () => {
  let dir: string
  let cert: string
  let key: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fm-ca-'))
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=fm test CA',
      '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt')], {stdio: 'pipe'})
    cert = readFileSync(join(dir, 'ca.crt'), 'latin1')
    key = readFileSync(join(dir, 'ca.key'), 'latin1')
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text, 'latin1')
    return join(dir, name)
  }

  test('returns the file\'s bytes when every certificate in it reads, with text around them', () => {
    const f = file('bundle.pem', `# our CAs\n${cert}\n${cert}`)
    expect(readCaFile(f).toString('latin1')).toBe(`# our CAs\n${cert}\n${cert}`)
  })

  test.for([
    ['a missing file', () => join(dir, 'absent.pem'), /^`ca` .*absent\.pem: cannot read \(ENOENT\)$/],
    ['an empty file', () => file('empty.pem', ''), /: no PEM certificate in it \(expected -----BEGIN CERTIFICATE-----\)$/],
    ['a key alone', () => file('key.pem', key), /: no PEM certificate in it/],
    ['a damaged certificate', () => file('bad.pem', cert.replace(/\n[A-Za-z0-9+/]{20}/, '\n' + 'A'.repeat(20))), /: a certificate in it cannot be read \(not valid PEM\)$/],
    ['a good certificate beside a damaged one', () => file('mixed.pem', cert + '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n'), /cannot be read \(not valid PEM\)$/],
  ] as const)('refuses %s with a UsageError naming the file', ([, make, message]) => {
    const f = make()
    expect(() => readCaFile(f)).toThrow(UsageError)
    expect(() => readCaFile(f)).toThrow(message)
  })
})
