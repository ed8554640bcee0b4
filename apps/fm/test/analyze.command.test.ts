import {describe, expect, test} from 'vitest'
import Analyze from '../src/commands/analyze.js'
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
