/**
 * Globs of baseline rules: `*` any run of characters, `?` one character, `\` makes the next
 * character literal (`\*`, `\?`, `\\`, `\/`); everything else is literal. Matching walks the
 * text once per fixed part of the glob (no regular expression), so neither a long pattern nor a
 * long name from a dump can make it blow up.
 */

/** A glob split at its unescaped `*`: each part a list of UTF-16 code units, -1 for `?`. */
interface Compiled {
  parts: Int32Array[]
  star: boolean
}

/** The longest pattern a baseline may hold (an executable path is at most 4,096 bytes on Linux). */
export const MAX_PATTERN_LENGTH = 4096

const cache = new Map<string, Compiled>()
const ANY = -1

function compile(glob: string): Compiled {
  let c = cache.get(glob)
  if (c) return c
  const parts: Int32Array[] = []
  let part: number[] = []
  let star = false
  for (let i = 0; i < glob.length; i++) {
    const ch = glob.charCodeAt(i)
    if (ch === 0x5c && i + 1 < glob.length) part.push(glob.charCodeAt(++i))
    else if (ch === 0x2a) {
      parts.push(Int32Array.from(part))
      part = []
      star = true
    } else part.push(ch === 0x3f ? ANY : ch)
  }
  parts.push(Int32Array.from(part))
  c = {parts, star}
  if (cache.size >= 1 << 16) cache.clear()
  cache.set(glob, c)
  return c
}

function partAt(part: Int32Array, text: string, at: number): boolean {
  for (let i = 0; i < part.length; i++) if (part[i] !== ANY && part[i] !== text.charCodeAt(at + i)) return false
  return true
}

/** True when `text` matches the glob: `*` any run of characters, `?` one character, `\x` the character x, everything else literal. */
export function globMatch(glob: string, text: string): boolean {
  const {parts, star} = compile(glob)
  const first = parts[0]
  if (!star) return first.length === text.length && partAt(first, text, 0)
  const last = parts[parts.length - 1]
  if (first.length + last.length > text.length || !partAt(first, text, 0) || !partAt(last, text, text.length - last.length)) return false
  // The parts between stars, each at its leftmost place: leaving the most room for the rest
  // is never worse, so one pass decides.
  let at = first.length
  const end = text.length - last.length
  for (let k = 1; k < parts.length - 1; k++) {
    const p = parts[k]
    let found = -1
    for (let i = at; i + p.length <= end; i++) {
      if (partAt(p, text, i)) {
        found = i
        break
      }
    }
    if (found < 0) return false
    at = found + p.length
  }
  return true
}

/** True when the glob has an unescaped wildcard, i.e. it stands for more than one literal value. */
export function isGlob(glob: string): boolean {
  return unescapedIndex(glob, (c) => c === 0x2a || c === 0x3f) >= 0
}

/** True when the pattern names an executable path: it holds an unescaped `/`. */
export function isPathPattern(glob: string): boolean {
  return unescapedIndex(glob, (c) => c === 0x2f) >= 0
}

/** The one text a glob without wildcards matches (its escapes removed). */
export function globLiteral(glob: string): string {
  return glob.replace(/\\([\s\S])/g, '$1')
}

/** A glob matching exactly `text`: `\`, `*`, `?` and `/` escaped (so a name never turns into a path pattern). */
export function escapeGlob(text: string): string {
  return text.replace(/[\\*?/]/g, '\\$&')
}

function unescapedIndex(glob: string, wanted: (c: number) => boolean): number {
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charCodeAt(i)
    if (c === 0x5c) i++
    else if (wanted(c)) return i
  }
  return -1
}
