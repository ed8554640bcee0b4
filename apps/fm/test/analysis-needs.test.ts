import {describe, expect, test} from 'vitest'
import {analysisNeeds} from '../src/lib/analysis-needs.js'

describe('analysisNeeds: an output asks only for what it shows', () => {
  // listNoPeers undefined is what oclif hands over for a boolean flag that was not given.
  test.each([
    {format: 'csv', json: false, listNoPeers: undefined, stream: 'csv', lists: false, evidenceLimit: 0},
    {format: 'wide-csv', json: false, listNoPeers: undefined, stream: 'wide-csv', lists: false, evidenceLimit: 0},
    {format: 'json', json: false, listNoPeers: undefined, stream: 'json', lists: false, evidenceLimit: 10},
    {format: 'dot', json: false, listNoPeers: undefined, stream: 'dot', lists: false, evidenceLimit: 0},
    {format: 'table', json: false, listNoPeers: false, stream: 'table', lists: false, evidenceLimit: 0},
    {format: 'skydive', json: false, listNoPeers: undefined, stream: null, lists: false, evidenceLimit: 0},
    {format: 'csv', json: false, listNoPeers: true, stream: 'unmatched-csv', lists: false, evidenceLimit: 0},
    {format: 'table', json: false, listNoPeers: true, stream: 'unmatched-csv', lists: false, evidenceLimit: 0},
    {format: 'json', json: false, listNoPeers: true, stream: 'unmatched-json', lists: false, evidenceLimit: 0},
    {format: 'csv', json: true, listNoPeers: undefined, stream: 'json', lists: false, evidenceLimit: 10},
    {format: 'table', json: true, listNoPeers: true, stream: 'json', lists: false, evidenceLimit: 10},
    {format: 'skydive', json: true, listNoPeers: undefined, stream: null, lists: true, evidenceLimit: 10},
  ])('$format json=$json list-no-peers=$listNoPeers', ({format, json, listNoPeers, ...want}) => {
    expect(analysisNeeds({format, json, listNoPeers})).toStrictEqual(want)
  })
})
