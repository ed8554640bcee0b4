import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {redactSecret, secretForms} from '../src/redact-secret.js'

const longSecret = fc.string({minLength: 6, maxLength: 24, unit: 'grapheme'}).filter((s) => s.trim().length >= 6)
// text around the echo: anything without the secret's characters would be too easy; plain words
const words = fc.array(fc.constantFrom('bad', 'request', 'user', '=', '&', ' ', ':', 'admin', '{', '}', '"'), {maxLength: 8}).map((w) => w.join(''))

describe('redactSecret', () => {
  test('removes a long secret echoed in any of its forms, and keeps the text around it', () => {
    fc.assert(
      fc.property(longSecret, words, words, fc.nat(), (secret, before, after, pick) => {
        const forms = secretForms(secret, 'admin')
        const echoed = forms[pick % forms.length]
        const out = redactSecret(`${before}${echoed}${after}`, forms)
        expect(out).not.toBeNull()
        for (const f of forms) expect(out!).not.toContain(f)
        expect(out!.startsWith(before.slice(0, 1))).toBe(true)
      }),
    )
  })

  test('withholds the whole text when a short secret occurs in it, rather than garbling it', () => {
    fc.assert(
      fc.property(fc.string({minLength: 1, maxLength: 5}).filter((s) => s.trim() === s && s.length > 0), words, (secret, text) => {
        const forms = secretForms(secret)
        const withIt = `${text}${secret}${text}`
        expect(redactSecret(withIt, forms)).toBeNull()
      }),
    )
  })

  test('leaves text that holds no form of the secret unchanged', () => {
    fc.assert(
      fc.property(fc.string({minLength: 1, maxLength: 24}), fc.string(), (secret, text) => {
        const forms = secretForms(secret)
        fc.pre(forms.every((f) => !text.includes(f)))
        expect(redactSecret(text, forms)).toBe(text)
      }),
    )
  })

  test.for([
    ['percent-encoded', 'bad request: username=admin&password=Tr0ub4dor%263', 'bad request: username=admin&password=***'],
    ['percent-encoded, lower-case hex', 'password=Tr0ub4dor%2a3', 'password=***'],
    ['JSON-escaped', '{"password":"Tr0ub4dor\\"3"}', '{"password":"***"}'],
    ['Go\'s HTML-safe JSON', '{"password":"Tr0ub4dor\\u00263"}', '{"password":"***"}'],
    ['base64 of user:password (Basic auth)', `Authorization: Basic ${Buffer.from('admin:Tr0ub4dor&3').toString('base64')}`, 'Authorization: Basic ***'],
  ])('%s', ([, text, expected]) => {
    const secret = text.includes('%2a') ? 'Tr0ub4dor*3' : text.includes('\\"') ? 'Tr0ub4dor"3' : 'Tr0ub4dor&3'
    expect(redactSecret(text, secretForms(secret, 'admin'))).toBe(expected)
  })

  test('a password 1 in an address: the message is withheld, never turned into http://***27.0.0.***', () => {
    expect(redactSecret('http://127.0.0.1:19602', secretForms('1'))).toBeNull()
  })
})
