import {afterAll, expect, test} from 'vitest'
import type {CheckReport} from '@fm/baseline'
import {capture} from '@fm/capture'
import Baseline from '../src/commands/baseline.js'
import Check from '../src/commands/check.js'
import {graphFromDump, startFakeAnalyzer} from '@fm/fake-analyzer'
import {runCommand} from './helpers/run-command.js'
import {hostNode, loadDump, scratch, TWO_AGENTS, withCurlToSkydive} from './check-fixture.js'

const tmp = scratch('fm-check-capture-')
afterAll(() => tmp.cleanup())

test('a capture folder of 3 snapshots where a connection shows up once: seen in 1 of 3, flaky under --min-seen 2', async () => {
  const fa = await startFakeAnalyzer({graph: graphFromDump(loadDump())})
  try {
    const plain = hostNode(loadDump(), 'agent-1') as unknown as {ID: string}
    const withCurl = hostNode(withCurlToSkydive(), 'agent-1') as unknown as {ID: string}
    const folder = `${tmp.dir}/cap`
    await capture({
      analyzer: fa.url,
      out: folder,
      count: 3,
      everySeconds: 0.01,
      toolVersion: 'test',
      // the analyzer's graph changes between snapshots: curl connects only during the second one
      // (set as each snapshot starts, so the interval's timing does not matter)
      onProgress: (p) => {
        if (p.phase === 'snapshot') fa.graph.nodes.set(plain.ID, (p.snapshot === 2 ? withCurl : plain) as never)
      },
    })
    const baseline = `${tmp.dir}/b.yaml`
    expect((await runCommand(Baseline, [TWO_AGENTS, '--out', baseline])).exitCode).toBe(0)
    const strict = await runCommand(Check, ['-b', baseline, folder])
    expect(strict.exitCode).toBe(5)
    expect(strict.stdout).toContain('✗ unexpected edge curl → skydive TCP/12380: seen in 1 of 3 snapshots')
    const tolerant = await runCommand(Check, ['-b', baseline, folder, '--min-seen', '2', '--json'])
    expect(tolerant.exitCode).toBe(0)
    expect((JSON.parse(tolerant.stdout) as CheckReport).edges.filter((e) => e.status === 'allowed').map((e) => e.seen)).toEqual([3, 3, 3, 3])
  } finally {
    await fa.stop()
  }
})
