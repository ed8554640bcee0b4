import {describe, expect, test} from 'vitest'
import type {Matrix} from '@fm/model'
import {CSV_HEADER, csvField, matrixToCsv} from '../src/index.js'

describe('csvField', () => {
  test.for([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['=cmd|\' /C calc\'!A0', '"\'=cmd|\' /C calc\'!A0"'],
    ['+1', '"\'+1"'],
    ['@SUM(A1)', '"\'@SUM(A1)"'],
    ['-2', '"\'-2"'],
  ])('%j → %j', ([input, expected]) => {
    expect(csvField(input)).toBe(expected)
  })

  test('leaves numbers alone', () => {
    expect(csvField(8080)).toBe('8080')
  })
})

describe('matrixToCsv', () => {
  test('writes the original header and one CRLF-terminated row per entry', () => {
    const m = {
      entries: [
        {protocol: 'TCP', server: {host: 'db', ip: '10.0.0.2', port: 3306, process: '/usr/sbin/mysqld', name: 'mysqld'}, client: {host: 'app,1', ip: '10.0.0.1', process: '/usr/bin/php', name: 'php'}, connections: 2, methods: ['socket'], seen: 1, evidence: []},
      ],
    } as unknown as Matrix
    expect(matrixToCsv(m)).toBe(`${CSV_HEADER.join(',')}\r\nTCP,db,10.0.0.2,3306,/usr/sbin/mysqld,mysqld,"app,1",10.0.0.1,/usr/bin/php,php\r\n`)
    expect(matrixToCsv(m, {wide: true}).split('\r\n')[1]).toBe('TCP,db,10.0.0.2,3306,/usr/sbin/mysqld,mysqld,"app,1",10.0.0.1,/usr/bin/php,php,2,socket,1,,,,')
  })
})
