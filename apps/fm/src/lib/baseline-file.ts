import {closeSync, openSync, readFileSync, readSync} from 'node:fs'
import {StringDecoder} from 'node:string_decoder'
import {baselineRules, parseBaseline, readBaselineLines, type BaselineRules} from '@fm/baseline'
import {InputError} from '@fm/model'
import {RuleTable} from './rule-table.js'

/** A baseline file's rules, the allow and ignore ones in a RuleTable on disk: `close()` it when done. */
export interface LoadedBaseline {
  rules: BaselineRules
  close(): void
}

/**
 * Reads a baseline file for a check: a line at a time into a RuleTable when it is in the
 * line-per-rule form fm writes (readBaselineLines), else whole (parseBaseline, which also names
 * any problem), its rules then put in the table. Unreadable: InputError.
 */
export function loadBaseline(file: string): LoadedBaseline {
  let table = new RuleTable()
  try {
    let rules = readBaselineLines(fileLines(file), file, table)
    if (!rules) {
      table.close()
      table = new RuleTable()
      rules = baselineRules(parseBaseline(readBaselineText(file), file), table)
    }
    const t = table
    return {rules, close: () => t.close()}
  } catch (e) {
    table.close()
    throw e
  }
}

/** The whole text of a baseline file (InputError when it cannot be read). */
export function readBaselineText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    throw unreadable(file, e)
  }
}

function unreadable(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code
  return new InputError(file, code === 'ENOENT' ? 'no such baseline file' : `cannot read (${code})`)
}

/** True when a file holds nothing but white space (read a line at a time). */
export function blankFile(file: string): boolean {
  for (const line of fileLines(file)) if (line.trim() !== '') return false
  return true
}

/** The lines of a file (split at each \n, the last one after the last line break too), read 1 MiB at a time, as often as iterated. */
export function fileLines(file: string): Iterable<string> {
  return {
    *[Symbol.iterator]() {
      let fd: number
      try {
        fd = openSync(file, 'r')
      } catch (e) {
        throw unreadable(file, e)
      }
      try {
        const buf = Buffer.alloc(1 << 20)
        const decoder = new StringDecoder('utf8')
        let rest = ''
        for (;;) {
          let n: number
          try {
            n = readSync(fd, buf, 0, buf.length, null)
          } catch (e) {
            throw unreadable(file, e)
          }
          if (n === 0) break
          const text = rest + decoder.write(buf.subarray(0, n))
          let start = 0
          for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
            yield text.slice(start, end)
            start = end + 1
          }
          rest = text.slice(start)
        }
        yield rest + decoder.end()
      } finally {
        closeSync(fd)
      }
    },
  }
}
