import {describe, expect, test} from 'vitest'
import {aggregateMatrix, coverageView, summaryView} from '@fm/report'
import {newDocument, reportOf} from './helpers/fixtures.js'
import {syntheticMatrix} from '@fm/test-helpers'

const cards = (el: HTMLElement): Record<string, string> =>
  Object.fromEntries([...el.querySelectorAll('.card')].map((c) => [c.id, [...c.children].map((x) => x.textContent).join(' | ')]))

describe('summaryView', () => {
  test('counts hosts, sockets, matches by method, unmatched by reason and ambiguities of the real dump', async () => {
    expect(cards(summaryView(newDocument(), await reportOf('skydive/two-agents.json')))).toEqual({
      'stat-hosts': '2 | hosts | all with sockets',
      'stat-sockets': '174 | sockets | 86 listening · 42 server side · 46 client side',
      'stat-considered': '46 | client connections | states: ESTABLISHED',
      'stat-matched': '42 | matched | 42 by socket pair',
      'stat-unmatched': '4 | unmatched | 4 external',
      'stat-ambiguities': '36 | ambiguities | same address on several hosts; resolved deterministically',
      'stat-entries': '12 | matrix rows | 1 capture',
    })
  })

  test('lists each capture with its label and time context', () => {
    const m = syntheticMatrix({hosts: 2})
    m.captures[0].timeContext = "Context('-10m', 60)"
    const rows = [...summaryView(newDocument(), aggregateMatrix(m)).querySelectorAll('table.captures tbody td')].map((td) => td.textContent)
    expect(rows).toEqual(['1', 'synthetic-2', 'synthetic', 'seed 1', "Context('-10m', 60)", '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'])
  })
})

describe('coverageView', () => {
  test('shows unmatched by reason, the busiest unmatched remotes and the hosts without sockets', async () => {
    const el = coverageView(newDocument(), await reportOf('report/hostile/dump.json'))
    expect([...el.querySelectorAll('#unmatched-by-reason th')].map((th) => th.textContent)).toEqual(['external', 'host-without-sockets'])
    expect([...el.querySelectorAll('#unmatched-remotes tbody tr')].map((tr) => tr.textContent)).toEqual(['TCP 10.0.0.9:54321host-without-sockets', 'TCP 8.8.8.8:531external'])
    expect([...el.querySelectorAll('#hosts-without-sockets li')].map((li) => li.textContent)).toEqual(['<i>silent</i>'])
  })
})
