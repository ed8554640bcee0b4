import {describe, expect, test} from 'vitest'
import type {ServedPeer} from '@fm/model'
import {analyze} from '../src/index.js'
import {graphDump, type TestHost} from '@fm/test-helpers'
import {writeTemp} from '@fm/test-helpers/temp'

/** A peer in one line: `TCP web 10.0.0.2:22 sshd <- 192.0.2.9 x1 [1]`. */
const line = (p: ServedPeer): string => `${p.protocol} ${p.server.host} ${p.server.ip}:${p.server.port} ${p.server.name} <- ${p.peerIp} x${p.connections} [${p.captureIds.join(',')}]`

async function peers(hosts: TestHost[][], states?: string[] | 'any'): Promise<string[]> {
  const out: ServedPeer[] = []
  const inputs = hosts.map((h) => writeTemp('dump.json', graphDump(h)))
  await analyze({inputs, states, lists: false, onEntry: () => {}, onServedPeer: (p) => out.push(p)})
  return out.map(line)
}

// web serves ssh to an operator (192.0.2.9, no captured host), twice, and http to app (captured, matched)
const web: TestHost = {
  name: 'web',
  addrs: ['10.0.0.2/24'],
  sockets: [
    'TCP [::]:22 [::]:0 LISTEN sshd',
    'TCP 10.0.0.2:22 192.0.2.9:51000 ESTABLISHED sshd',
    'TCP 10.0.0.2:22 192.0.2.9:51001 ESTABLISHED sshd',
    'TCP 0.0.0.0:80 0.0.0.0:0 LISTEN nginx',
    'TCP 10.0.0.2:80 10.0.0.1:40000 ESTABLISHED nginx',
    'TCP 10.0.0.2:80 10.0.0.7:40001 TIME_WAIT nginx',
    // a client socket of web (no listener on 40002): not a server-side socket
    'TCP 10.0.0.2:40002 192.0.2.50:443 ESTABLISHED curl',
  ],
}
const app: TestHost = {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40000 10.0.0.2:80 ESTABLISHED curl']}

describe('analyze hands over the peers of server-side sockets no client was matched to', () => {
  test('the outside peer of sshd, once per peer with the most connections of a snapshot; matched and client sockets are not peers', async () => {
    expect(await peers([[web, app]])).toEqual(['TCP web 10.0.0.2:22 sshd <- 192.0.2.9 x2 [1]'])
  })

  test('states count as for clients: --states any adds the TIME_WAIT peer', async () => {
    expect(await peers([[web, app]], 'any')).toEqual(['TCP web 10.0.0.2:22 sshd <- 192.0.2.9 x2 [1]', 'TCP web 10.0.0.2:80 nginx <- 10.0.0.7 x1 [1]'])
  })

  test('a peer seen in two snapshots is one peer seen in both; one seen in the second only says so', async () => {
    const later: TestHost = {...web, sockets: [...web.sockets!, 'TCP 10.0.0.2:22 198.51.100.4:60000 ESTABLISHED sshd']}
    expect(await peers([[web, app], [later, app]])).toEqual(['TCP web 10.0.0.2:22 sshd <- 192.0.2.9 x2 [1,2]', 'TCP web 10.0.0.2:22 sshd <- 198.51.100.4 x1 [2]'])
  })
})
