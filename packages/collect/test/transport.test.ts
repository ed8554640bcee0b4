import {describe, expect, test} from 'vitest'
import {describeTransport, transportArgv} from '../src/index.js'

describe('describeTransport: what fm records and shows of a --ssh-command template', () => {
  test.each([
    {template: 'ssh -o BatchMode=yes -- {host}', shown: 'ssh -o BatchMode=yes -- {host}'},
    {template: 'ssh -p 2222 -- {host}', shown: 'ssh -p 2222 -- {host}'},
    {template: 'sshpass -p hunter2 ssh -- {host}', shown: 'sshpass -p *** ssh -- {host}'},
    {template: '/usr/bin/sshpass -p hunter2 ssh -p 22 {host}', shown: '/usr/bin/sshpass -p *** ssh -p 22 {host}'},
    {template: 'env SSHPASS=hunter2 sshpass -e ssh {host}', shown: 'env SSHPASS=*** sshpass -e ssh {host}'},
    {template: 'plink -batch -pw hunter2 {host}', shown: 'plink -batch -pw *** {host}'},
    {template: 'tool --password hunter2 {host}', shown: 'tool --password *** {host}'},
    {template: 'tool --password=hunter2 --api-token=t0k {host}', shown: 'tool --password=*** --api-token=*** {host}'},
    {template: 'tool --url ssh://root:hunter2@{host}/ x', shown: 'tool --url ssh://root:***@{host}/ x'},
    {template: "ip netns exec {host}", shown: 'ip netns exec {host}'},
    {template: "ssh -o 'ProxyCommand=ssh -W %h:%p bastion' {host}", shown: "ssh -o 'ProxyCommand=ssh -W %h:%p bastion' {host}"},
  ])('$template → $shown', ({template, shown}) => {
    expect(describeTransport(template)).toBe(shown)
    expect(describeTransport(template)).not.toContain('hunter2')
  })

  test('the shown template splits into the same words, secrets aside', () => {
    const t = "ssh -o 'ProxyCommand=ssh -W %h:%p bastion' -l root {host}"
    expect(transportArgv(describeTransport(t), 'h', 'all')).toEqual(transportArgv(t, 'h', 'all'))
  })
})
