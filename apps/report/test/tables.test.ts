import {describe, expect, test} from 'vitest'
import {aggregateMatrix, edgesTable, unmatchedTable} from '@fm/report'
import {newDocument, reportOf} from './helpers/fixtures.js'
import {syntheticMatrix} from '@fm/test-helpers'

const headers = (el: HTMLElement): string[] => [...el.querySelectorAll('th')].map((th) => th.textContent ?? '')
const column = (el: HTMLElement, i: number): string[] => [...el.querySelectorAll('tbody tr')].map((tr) => tr.children[i].textContent ?? '')

describe('edgesTable', () => {
  test('lists the matrix rows busiest first, ports as plain numbers, processes with their executable on hover', async () => {
    const el = edgesTable(newDocument(), await reportOf('skydive/two-agents.json'))
    expect(headers(el)).toEqual(['Protocol', 'Server host', 'Server IP', 'Port', 'Server process', 'Client host', 'Client IP', 'Client process', 'Connections', 'Matched by'])
    expect(column(el, 8)).toEqual(['12', '12', '2', '2', '2', '2', '2', '2', '2', '2', '1', '1'])
    expect(column(el, 3)[0]).toBe('12379')
    expect(el.querySelector('tbody td:nth-child(5)')?.getAttribute('title')).toBe('/home/safchain/go/bin/skydive')
  })

  test('adds a bytes column when flows gave traffic, sortable by its value', () => {
    const el = edgesTable(newDocument(), aggregateMatrix(syntheticMatrix({hosts: 3, traffic: true})))
    expect(headers(el).at(-1)).toBe('Bytes')
    expect(el.querySelector('tbody td:last-child')?.getAttribute('data-v')).toMatch(/^\d+$/)
  })

  test('keeps the busiest rows only and says so, and where the rest is', () => {
    const el = edgesTable(newDocument(), aggregateMatrix(syntheticMatrix({hosts: 30}), {maxRows: 10}))
    expect(el.querySelectorAll('tbody tr')).toHaveLength(10)
    expect(el.querySelector('.table-tools span')?.textContent).toMatch(/^the 10 busiest rows \(of \d+\); `fm analyze --format csv` lists them all$/)
  })
})

describe('unmatchedTable', () => {
  test('lists client sockets with no server, hostile names as text, with the reason', async () => {
    const el = unmatchedTable(newDocument(), await reportOf('report/hostile/dump.json'))
    expect([...el.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent))).toEqual([
      ['"><img src=x onerror=alert(1)>', 'TCP', '10.0.0.2:51000', '10.0.0.9:5432', '{{constructor}}\u202e', 'ESTABLISHED', 'host-without-sockets'],
      ["=cmd|' /C calc'!A0", 'TCP', '10.0.0.1:50001', '8.8.8.8:53', "=cmd|' /C calc'!A0", 'ESTABLISHED', 'external'],
    ])
  })
})
