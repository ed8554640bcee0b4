import {readFileSync} from 'node:fs'
import {writeFileSync} from 'node:fs'
import fc from 'fast-check'
import {describe, expect, it, test} from 'vitest'
import {matrixToCsv, matrixToJson} from '@fm/render'
import {analyze} from '../src/index.js'
import {graphDump, type TestHost} from '@fm/test-helpers'
import {writeTemp} from '@fm/test-helpers/temp'
import {ruleCases} from './helpers/rule-cases.js'

type Graph = {Nodes: Record<string, unknown>[]; Edges: Record<string, unknown>[]}

// Every rule case in one deployment, host names made unique: the overlapping addresses across
// cases add many more ambiguities, which is what order independence has to survive.
const hosts: TestHost[] = ruleCases.flatMap((c, i) => c.hosts.map((h) => ({...h, name: `c${i}-${h.name}`})))
const synthetic = graphDump(hosts)[0] as Graph
const real = (JSON.parse(readFileSync(new URL('../../../fixtures/skydive/two-agents.json', import.meta.url), 'utf8')) as Graph[])[0]

function shuffled<T>(list: readonly T[], keys: number[]): T[] {
  return list.map((v, i) => ({v, k: keys[i % keys.length] * 1_000_003 + i})).sort((a, b) => a.k - b.k).map((x) => x.v)
}

/** The same graph with nodes, edges and every host's sockets in another order. */
function permute(g: Graph, keys: number[]): Graph {
  const Nodes = shuffled(g.Nodes, keys).map((n, i) => {
    const meta = n.Metadata as Record<string, unknown>
    if (!Array.isArray(meta.Sockets)) return n
    return {...n, Metadata: {...meta, Sockets: shuffled(meta.Sockets, keys.slice(i % 7))}}
  })
  return {Nodes, Edges: shuffled(g.Edges, keys.slice(3))}
}

async function outputs(g: Graph, file: string): Promise<[string, string]> {
  writeFileSync(file, JSON.stringify([g]))
  const m = await analyze({inputs: [file], states: 'any'})
  return [matrixToCsv(m), matrixToJson(m)]
}

describe.each([
  ['the rule cases together', synthetic],
  ['the real two-agent dump', real],
])('analyze output for %s', (_name, graph) => {
  const file = writeTemp('dump.json', '[]')
  let expected: [string, string] | null = null

  test('is byte-identical (CSV and JSON) whatever the order of hosts, nodes, edges and sockets', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({min: 0, max: 1_000_000}), {minLength: 1, maxLength: 40}), async (keys) => {
        expected ??= await outputs(graph, file)
        const got = await outputs(permute(graph, keys), file)
        expect(got[0]).toBe(expected[0])
        expect(got[1]).toBe(expected[1])
      }),
      {numRuns: 15},
    )
  })
})

describe('picking servers a page of candidates at a time', () => {
  it.for([1, 2, 3, 7])('gives the same matrix with pages of %i candidate rows', async (pageSize) => {
    for (const graph of [synthetic, real]) {
      const file = writeTemp('dump.json', [graph])
      const whole = await analyze({inputs: [file], states: 'any'})
      const paged = await analyze({inputs: [file], states: 'any', candidatePageSize: pageSize})
      expect(matrixToJson(paged)).toBe(matrixToJson(whole))
    }
  })
})
