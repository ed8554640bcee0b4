/**
 * Finds where a JSON text stops being valid, as a byte index into `buf` (from `start`), with
 * what was expected there. Only called once JSON.parse has refused the text, to turn its
 * message (which often has no position) into an exact byte offset. Returns null when the text
 * is valid JSON (it never is on the paths that call it) or nests too deeply to check.
 */
export function locateJsonError(buf: Uint8Array, start: number, end: number): {offset: number; expected: string} | null {
  let i = start
  const fail = (expected: string): never => {
    throw new Located(i, expected)
  }
  const ws = (): void => {
    while (i < end && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++
  }
  const str = (): void => {
    i++ // opening quote
    for (;;) {
      if (i >= end) fail('the end of the string (")')
      const c = buf[i]
      if (c === 0x22) {
        i++
        return
      }
      if (c < 0x20) fail('no control character inside a string (escape it)')
      if (c === 0x5c) {
        i++
        const e = buf[i]
        if (e === 0x75) {
          for (let k = 1; k <= 4; k++) {
            if (!isHex(buf[i + k])) {
              i += k
              fail('four hex digits after \\u')
            }
          }
          i += 5
        } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) i++
        else fail('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)')
      } else i++
    }
  }
  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++, i++) if (buf[i] !== word.charCodeAt(k)) fail(`the literal ${word}`)
  }
  const num = (): void => {
    if (buf[i] === 0x2d) i++
    if (buf[i] === 0x30) i++
    else if (isDigit(buf[i])) while (isDigit(buf[i])) i++
    else fail('a digit')
    if (buf[i] === 0x2e) {
      i++
      if (!isDigit(buf[i])) fail('a digit after the decimal point')
      while (isDigit(buf[i])) i++
    }
    if (buf[i] === 0x65 || buf[i] === 0x45) {
      i++
      if (buf[i] === 0x2b || buf[i] === 0x2d) i++
      if (!isDigit(buf[i])) fail('a digit in the exponent')
      while (isDigit(buf[i])) i++
    }
  }
  const value = (depth: number): void => {
    if (depth > 10_000) throw new RangeError('too deep')
    ws()
    if (i >= end) fail('a value')
    const c = buf[i]
    if (c === 0x7b) {
      i++
      ws()
      if (buf[i] === 0x7d) return void i++
      for (;;) {
        ws()
        if (buf[i] !== 0x22) fail('a double-quoted property name')
        str()
        ws()
        if (buf[i] !== 0x3a) fail("':' after a property name")
        i++
        value(depth + 1)
        ws()
        if (buf[i] === 0x2c) i++
        else if (buf[i] === 0x7d) return void i++
        else fail("',' or '}' after a property value")
      }
    }
    if (c === 0x5b) {
      i++
      ws()
      if (buf[i] === 0x5d) return void i++
      for (;;) {
        value(depth + 1)
        ws()
        if (buf[i] === 0x2c) i++
        else if (buf[i] === 0x5d) return void i++
        else fail("',' or ']' after an array element")
      }
    }
    if (c === 0x22) return str()
    if (c === 0x74) return literal('true')
    if (c === 0x66) return literal('false')
    if (c === 0x6e) return literal('null')
    if (c === 0x2d || isDigit(c)) return num()
    fail('a value (object, array, string, number, true, false or null)')
  }
  try {
    value(0)
    ws()
    if (i < end) fail('nothing more after the value')
    return null
  } catch (e) {
    if (e instanceof Located) return {offset: e.offset, expected: e.expected}
    if (e instanceof RangeError) return null
    throw e
  }
}

class Located {
  constructor(readonly offset: number, readonly expected: string) {}
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39
const isHex = (c: number | undefined): boolean => c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))
