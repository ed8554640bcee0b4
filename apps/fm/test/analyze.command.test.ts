import {describe, expect, test} from 'vitest'
import Analyze from '../src/commands/analyze.js'
import {analyze} from '@fm/analyze'
import {matrixToCsv} from '@fm/render'
import {graphDump} from '@fm/test-helpers'
import {writeTemp} from '@fm/test-helpers/temp'
import {runCommand} from './helpers/run-command.js'

describe('fm analyze (in-process)', () => {
  test('prints the original header first and one row per entry', async () => {
    const r = await runCommand(Analyze, ['fixtures/skydive/two-agents.json'])
    expect(r.error).toBeUndefined()
    const lines = r.stdout.trimEnd().split('\r\n')
    expect(lines[0]).toBe('protocol,server,server_ip,port,server_proc,server_procname,client,client_ip,client_proc,client_procname')
    expect(lines.length).toBe(13)
  })

  test('a missing file is bad input: exit 3, one line naming the file', async () => {
    const r = await runCommand(Analyze, ['does/not/exist.json'])
    expect(r.exitCode).toBe(3)
    expect(r.stderr).toBe('Error: does/not/exist.json: no such file or directory\n')
  })
})

describe('fm analyze writes CSV entry by entry from the store', () => {
  test('in exactly the order and form of the in-memory matrix, names beyond the BMP included', async () => {
    // SQLite orders UTF-8 by code point, JS's < by UTF-16 unit: U+1F600 and U+E000 disagree
    const names = ['\u{1f600}a', '\ue000b', 'zeta', 'Émile', 'a,b', '=cmd', 'ab', 'a']
    const hosts = [
      {name: 'srv', addrs: ['10.0.0.2/24'], sockets: ['TCP 0.0.0.0:80 0.0.0.0:0 LISTEN nginx']},
      ...names.map((n, i) => ({name: `h${n}`, addrs: [`10.0.1.${i + 1}/24`], sockets: [`TCP 10.0.1.${i + 1}:4000${i} 10.0.0.2:80 ESTABLISHED x`]})),
    ]
    const dump = graphDump(hosts)
    let i = 0
    for (const n of dump[0].Nodes) for (const s of (n.Metadata as {Sockets?: {Name: string; Process: string}[]}).Sockets ?? []) if (s.Name === 'x') [s.Name, s.Process] = [names[i], `/opt/${names[i++]}`]
    const file = writeTemp('dump.json', dump)
    const streamed = await runCommand(Analyze, [file, '--format', 'wide-csv'])
    expect(streamed.error).toBeUndefined()
    expect(streamed.stdout).toBe(matrixToCsv(await analyze({inputs: [file]}), {wide: true}))
    expect(streamed.stdout.trimEnd().split('\r\n')).toHaveLength(names.length + 1)
  })
})
