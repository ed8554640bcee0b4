import {describe, expect, test} from 'vitest'
import {analysisNeeds} from '../src/lib/analysis-needs.js'

describe('analysisNeeds: an output asks only for what it shows', () => {
  // listNoPeers undefined is what oclif hands over for a boolean flag that was not given.
  test.each([
    {format: 'csv', json: false, listNoPeers: undefined, streamCsv: true, lists: false, evidenceLimit: 0},
    {format: 'wide-csv', json: false, listNoPeers: undefined, streamCsv: true, lists: false, evidenceLimit: 0},
    {format: 'dot', json: false, listNoPeers: undefined, streamCsv: false, lists: false, evidenceLimit: 0},
    {format: 'table', json: false, listNoPeers: false, streamCsv: false, lists: false, evidenceLimit: 0},
    {format: 'csv', json: false, listNoPeers: true, streamCsv: false, lists: true, evidenceLimit: 0},
    {format: 'json', json: false, listNoPeers: undefined, streamCsv: false, lists: true, evidenceLimit: 10},
    {format: 'csv', json: true, listNoPeers: undefined, streamCsv: false, lists: true, evidenceLimit: 10},
  ])('$format json=$json list-no-peers=$listNoPeers', ({format, json, listNoPeers, ...want}) => {
    const got = analysisNeeds({format, json, listNoPeers})
    expect(got).toStrictEqual(want)
  })
})
