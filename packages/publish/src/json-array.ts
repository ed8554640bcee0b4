import {createReadStream} from 'node:fs'

const enum S {
  /** Before the array's `[`. */
  Start,
  /** After `[` or a comma: an element, or (after `[`) the close. */
  Element,
  /** Inside an element. */
  In,
  /** After the close: white space only. */
  End,
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d])

/**
 * Reads a file holding one JSON array (or nothing) and hands each element's JSON text over, one
 * at a time, so an answer of any size costs one element's memory. One pass over the bytes: strings
 * and nesting are tracked to find where each element ends; the element's text is checked by
 * JSON.parse (`onElement` gets the value and its text). Throws `bad(why)` when the file is not
 * one JSON array.
 */
export async function forEachElement(file: string, onElement: (value: unknown, text: string) => void, bad: (why: string) => Error): Promise<void> {
  let state = S.Start as S
  let depth = 0
  let inString = false
  let escaped = false
  let parts: Buffer[] = []
  let index = 0
  const emit = (): void => {
    const text = Buffer.concat(parts).toString('utf8')
    parts = []
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (e) {
      throw bad(`element ${index} is not JSON (${(e as Error).message})`)
    }
    index++
    onElement(value, text)
  }
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let start = state === S.In ? 0 : -1
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]
      if (state === S.In) {
        if (inString) {
          if (escaped) escaped = false
          else if (c === 0x5c) escaped = true
          else if (c === 0x22) inString = false
          continue
        }
        if (c === 0x22) inString = true
        else if (c === 0x7b || c === 0x5b) depth++
        else if (c === 0x7d || c === 0x5d) {
          if (depth > 0) {
            depth--
            continue
          }
        }
        if (depth === 0 && (c === 0x2c || c === 0x5d)) {
          // a scalar or a closed value ends here
          parts.push(chunk.subarray(start, i))
          start = -1
          emit()
          state = c === 0x2c ? S.Element : S.End
        }
        continue
      }
      if (WS.has(c)) continue
      if (state === S.Start) {
        if (c !== 0x5b) throw bad('expected an array')
        state = S.Element
      } else if (state === S.Element) {
        // `[]`; after a comma an element is required (`[1,]` fails as an empty element)
        if (c === 0x5d && index === 0) state = S.End
        else {
          state = S.In
          start = i
          depth = 0
          inString = false
          escaped = false
          // the element's first byte is looked at again as part of it
          i--
        }
      } else throw bad('more after the array')
    }
    if (state === S.In && start >= 0) parts.push(chunk.subarray(start))
  }
  if (state === S.In || state === S.Element) throw bad('the array is not closed')
}
