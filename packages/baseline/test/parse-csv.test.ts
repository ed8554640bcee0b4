import {describe, expect, test} from 'vitest'
import {InputError} from '@fm/model'
import {CsvSyntaxError, isMatrixCsv, parseCsv, parseMatrixCsv} from '../src/index.js'

const HEAD = 'protocol,server,server_ip,port,server_proc,server_procname,client,client_ip,client_proc,client_procname'

describe('parseCsv', () => {
  test.for([
    {name: 'plain fields, CRLF', text: 'a,b\r\nc,d\r\n', rows: [['a', 'b'], ['c', 'd']]},
    {name: 'LF only and no final newline', text: 'a,b\nc,d', rows: [['a', 'b'], ['c', 'd']]},
    {name: 'quoted comma, doubled quote, CRLF inside quotes', text: '"x,y","say ""hi""","two\r\nlines"\r\n', rows: [['x,y', 'say "hi"', 'two\r\nlines']]},
    {name: 'empty fields, trailing comma', text: ',a,\r\n', rows: [['', 'a', '']]},
    {name: 'a byte order mark is skipped', text: '\ufeffa\r\n', rows: [['a']]},
  ])('reads $name', ({text, rows}) => {
    expect(parseCsv(text).map((r) => r.map((f) => f.value))).toEqual(rows)
  })

  test.for([
    {text: 'a,"open\r\n', where: [1, 3], what: 'never closed'},
    {text: 'a,b\r\nc,d"e\r\n', where: [2, 4], what: 'a quote inside an unquoted field'},
    {text: '"x"y\r\n', where: [1, 4], what: 'after a closing quote'},
  ])('names line and column of a syntax error in $text', ({text, where, what}) => {
    let err: unknown
    try {
      parseCsv(text)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(CsvSyntaxError)
    expect([(err as CsvSyntaxError).line, (err as CsvSyntaxError).col]).toEqual(where)
    expect((err as Error).message).toContain(what)
  })
})

describe('parseMatrixCsv', () => {
  test('recognises the original header and fm wide-csv header, and nothing else', () => {
    expect(isMatrixCsv(`${HEAD}\r\nTCP,...`)).toBe(true)
    expect(isMatrixCsv(`\ufeff${HEAD},connections,methods,seen\r\n`)).toBe(true)
    expect(isMatrixCsv(`${HEAD}x\r\n`)).toBe(false)
    expect(isMatrixCsv('[{"Nodes": []}]')).toBe(false)
  })

  test('undoes the formula guard apostrophe and keeps wide counts', () => {
    const text = `${HEAD},connections,methods,seen,bytes_to_server,bytes_to_client,packets_to_server,packets_to_client\r\n` +
      `TCP,h1,::FFFF:10.0.0.5,80,"'=cmd|x","a,b",h2,10.0.0.6,"'-p",c,7,socket listener,2,,,,\r\n`
    const o = parseMatrixCsv(text, 'wide.csv', 4)
    expect(o.captures).toMatchObject([{id: 4, source: 'wide.csv', format: 'matrix-wide-csv'}])
    expect(o.entries[0]).toMatchObject({
      protocol: 'TCP',
      server: {host: 'h1', ip: '10.0.0.5', port: 80, process: '=cmd|x', name: 'a,b'},
      client: {host: 'h2', ip: '10.0.0.6', process: '-p', name: 'c'},
      connections: 7,
      methods: ['socket', 'listener'],
      captureIds: [4],
    })
  })

  test('the original CSV counts one connection per row and says it has no counts', () => {
    const o = parseMatrixCsv(`${HEAD}\r\nUDP,h1,10.0.0.1,53,/usr/sbin/dnsmasq,dnsmasq,h2,10.0.0.2,/usr/bin/dig,dig\r\n\r\n`, 'orig.csv')
    expect(o.captures[0].format).toBe('matrix-csv')
    expect(o.entries).toHaveLength(1)
    expect(o.entries[0].connections).toBe(1)
  })

  test.for([
    {text: `${HEAD}\r\nTCP,h1,10.0.0.1,http,a,a,h2,10.0.0.2,b,b\r\n`, msg: 'bad.csv: line 2, column 17: port must be a whole number'},
    {text: `${HEAD}\r\nTCP,h1,10.0.0.1,80\r\n`, msg: 'bad.csv: line 2: 4 fields, expected 10'},
    {text: `${HEAD}\r\nTCP,"h1\r\n`, msg: 'bad.csv: not valid CSV at line 2, column 5'},
  ])('rejects a bad row with file, line and column: $msg', ({text, msg}) => {
    expect(() => parseMatrixCsv(text, 'bad.csv')).toThrow(InputError)
    expect(() => parseMatrixCsv(text, 'bad.csv')).toThrow(msg)
  })
})
