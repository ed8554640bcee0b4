import {describe, expect, test} from 'vitest'
import {AnalyzerError, CheckFailedError, FmError, InputError, InterruptedError, OutputError, PartialResultError, UsageError} from '@fm/model'
import {EXIT, exitCodeOf, inFlags, presentError} from '../src/lib/errors.js'

describe('the CLI maps each error class to one exit code', () => {
  test.for([
    ['UsageError', new UsageError('x'), EXIT.usage],
    ['InputError', new InputError('dump.json', 'x'), EXIT.badInput],
    ['AnalyzerError', new AnalyzerError('x'), EXIT.badInput],
    ['PartialResultError', new PartialResultError('x'), EXIT.partial],
    ['CheckFailedError', new CheckFailedError('x'), EXIT.checkFailed],
    ['InterruptedError', new InterruptedError(), EXIT.interrupted],
    ['OutputError ENOSPC (disk full)', new OutputError('m.csv', 'ENOSPC'), EXIT.writeFailed],
    ['OutputError SQLITE_FULL', new OutputError('x.db', 'SQLITE_FULL'), EXIT.writeFailed],
    ['OutputError EIO', new OutputError('m.csv', 'EIO'), EXIT.writeFailed],
    ['OutputError EISDIR (a bad target)', new OutputError('dir', 'EISDIR'), EXIT.usage],
    ['OutputError EACCES', new OutputError('m.csv', 'EACCES'), EXIT.usage],
    ['a plain FmError (a library bug)', new FmError('x'), EXIT.bug],
  ] as const)('%s: %i', ([, err, code]) => {
    expect(exitCodeOf(err)).toBe(code)
  })

  test('library errors carry no exit code and name options, which the CLI shows as flags', () => {
    const err = new UsageError('`ca` only applies to https: add `ssl`', ['raise `timeoutSeconds`, or `unknownOption` stays as written'])
    expect(Object.keys(err)).not.toContain('exitCode')
    expect(presentError(err)).toStrictEqual({message: '--ca only applies to https: add --ssl', suggestions: ['raise --timeout, or `unknownOption` stays as written'], exitCode: 2})
  })

  test('messages without option names are left as they are', () => {
    expect(inFlags('dump.json: $[0].Nodes: expected an array')).toBe('dump.json: $[0].Nodes: expected an array')
  })
})
