import {describe, expect, test} from 'vitest'
import type {Matrix} from '@fm/model'
import {analyze} from '../src/index.js'
import {graphDump} from '@fm/test-helpers'
import {writeTemp} from '@fm/test-helpers/temp'
import {ruleCases as cases} from './helpers/rule-cases.js'

/** An entry in one line: `TCP db 10.0.0.2:3306 mysqld <- app 10.0.0.1 php x2 [socket]`. */
function line(m: Matrix): string[] {
  return m.entries.map((e) => {
    const ip = e.server.ip.includes(':') ? `[${e.server.ip}]` : e.server.ip
    return `${e.protocol} ${e.server.host} ${ip}:${e.server.port} ${e.server.name} <- ${e.client.host} ${e.client.ip} ${e.client.name}${e.connections > 1 ? ` x${e.connections}` : ''} [${e.methods.join(',')}]`
  })
}

function unmatched(m: Matrix): string[] {
  return m.unmatched.map((u) => `${u.reason} ${u.host} ${u.socket.name} -> ${u.socket.remoteAddress}:${u.socket.remotePort}`)
}

describe('analyze applies the matching rules', () => {
  test.for(cases)('$name', async (c) => {
    const file = writeTemp('dump.json', graphDump(c.hosts))
    const m = await analyze({inputs: [file], states: c.states})
    expect(line(m)).toEqual(c.entries)
    expect(unmatched(m)).toEqual(c.unmatched ?? [])
    expect(m.ambiguities.length).toBe(c.ambiguities ?? 0)
  })
})

describe('analyze reports coverage', () => {
  test('lists hosts without sockets and counts sockets by role', async () => {
    const file = writeTemp('dump.json', graphDump(cases.find((c) => c.name.startsWith('says host-without'))!.hosts))
    const m = await analyze({inputs: [file]})
    expect(m.hostsWithoutSockets).toEqual(['silent'])
    expect(m.stats).toMatchObject({hosts: 2, hostsWithoutSockets: 1, sockets: 1, clientSide: 1, clientsConsidered: 1})
    expect(m.stats.unmatched['host-without-sockets']).toBe(1)
  })
})
