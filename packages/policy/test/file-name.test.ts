import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {commentText, hostFileName, hostHeader, readHostHeader} from '../src/index.js'

describe('hostFileName', () => {
  test.for([
    ['web-1', 'web-1'],
    ['web.example', 'web.example'],
    ['../etc/passwd', '%2E.%2Fetc%2Fpasswd'],
    ['../../x', '%2E.%2F..%2Fx'],
    ['.', '%2E'],
    ['', '%'],
    ['a%2F', 'a%252F'],
    ['naïve', 'na%C3%AFve'],
    ['a\nb', 'a%0Ab'],
    ['\ud800x', '%uD800x'],
    ['\udfffx', '%uDFFFx'],
  ])('%j → %j', ([host, name]) => {
    expect(hostFileName(host)).toBe(name)
  })

  test('is a safe file name: no separator, no control character, not . or .., at most 200 bytes', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 300}), (host) => {
        const n = hostFileName(host)
        expect(n).not.toMatch(/[/\\\u0000-\u001f\u007f]/)
        expect(n).not.toMatch(/^\./)
        expect(Buffer.byteLength(n)).toBeLessThanOrEqual(200)
      }),
    )
  })

  test('two host names never share a file', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 120}), fc.string({unit: 'binary', maxLength: 120}), (a, b) => {
        fc.pre(a !== b)
        expect(hostFileName(a)).not.toBe(hostFileName(b))
      }),
    )
  })

  test('the host line inside a file gives the host back', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 300}), (host) => {
        const line = hostHeader(host)
        expect(line).toMatch(/^[\x20-\x7e]+$/)
        expect(readHostHeader(`x\n${line}\ny`)).toBe(host)
      }),
    )
  })
})

describe('commentText', () => {
  test('keeps only characters that are plain inside a quoted nft or iptables comment, within 128 bytes', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 300}), (s) => {
        const t = commentText(s)
        expect(t).toMatch(/^[A-Za-z0-9 .,:/_+=@()%-]*$/)
        expect(Buffer.byteLength(t)).toBeLessThanOrEqual(128)
      }),
    )
  })
})
