import {describe, expect, test} from 'vitest'
import type {Socket} from '@fm/model'
import {addressClass, classifySockets, hasRemote, isListener, serves} from '@fm/match'

const s = (spec: Partial<Socket>): Socket => ({protocol: 'TCP', localAddress: '10.0.0.1', localPort: 80, remoteAddress: '10.0.0.2', remotePort: 40000, state: 'ESTABLISHED', process: '', pid: 0, name: '', ...spec})

describe('DESIGN rule 1: listeners', () => {
  test.for([
    {name: 'TCP LISTEN', socket: s({state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0}), listener: true},
    {name: 'TCP LISTEN whatever its remote', socket: s({state: 'LISTEN'}), listener: true},
    {name: 'UDP to 0.0.0.0:0', socket: s({protocol: 'UDP', state: 'CLOSE', remoteAddress: '0.0.0.0', remotePort: 0}), listener: true},
    {name: 'UDP to [::]:0', socket: s({protocol: 'UDP', state: 'CLOSE', remoteAddress: '::', remotePort: 0}), listener: true},
    {name: "UDP to '':0", socket: s({protocol: 'UDP', state: 'CLOSE', remoteAddress: '', remotePort: 0}), listener: true},
    {name: 'UDP to *:0', socket: s({protocol: 'UDP', state: 'CLOSE', remoteAddress: '*', remotePort: 0}), listener: true},
    {name: 'connected UDP', socket: s({protocol: 'UDP', state: 'ESTABLISHED'}), listener: false},
    {name: 'UDP to an address, port 0', socket: s({protocol: 'UDP', remoteAddress: '10.0.0.9', remotePort: 0}), listener: false},
    {name: 'TCP CLOSE to 0.0.0.0:0', socket: s({state: 'CLOSE', remoteAddress: '0.0.0.0', remotePort: 0}), listener: false},
    {name: 'UDP LISTEN is not TCP LISTEN', socket: s({protocol: 'UDP', state: 'LISTEN'}), listener: false},
  ])('$name: $listener', ({socket, listener}) => {
    expect(isListener(socket)).toBe(listener)
  })

  test.for([
    {bound: '10.0.0.1', a: '10.0.0.1', serves: true},
    {bound: '10.0.0.1', a: '10.0.0.2', serves: false},
    {bound: '0.0.0.0', a: '10.0.0.2', serves: true},
    {bound: '0.0.0.0', a: 'fd00::1', serves: false},
    {bound: '::', a: '10.0.0.2', serves: true},
    {bound: '::', a: 'fd00::1', serves: true},
    {bound: '127.0.0.1', a: '127.0.0.2', serves: true},
    {bound: '127.0.0.1', a: '::1', serves: false},
    {bound: '::1', a: '::1', serves: true},
    {bound: '127.0.0.1', a: '10.0.0.1', serves: false},
    {bound: 'fe80::1', a: 'fe80::2', serves: false},
  ])('a listener on $bound serves $a: $serves', ({bound, a, serves: expected}) => {
    expect(serves(bound, a)).toBe(expected)
  })

  test.for([
    {a: '0.0.0.0', cls: {family: 4, loop: 0, linkLocal: 0, any: 4, none: 1}},
    {a: '::', cls: {family: 6, loop: 0, linkLocal: 0, any: 6, none: 1}},
    {a: '', cls: {family: 0, loop: 0, linkLocal: 0, any: 0, none: 1}},
    {a: '*', cls: {family: 0, loop: 0, linkLocal: 0, any: 0, none: 1}},
    {a: '127.0.0.1', cls: {family: 4, loop: 1, linkLocal: 0, any: 0, none: 0}},
    {a: '::1', cls: {family: 6, loop: 1, linkLocal: 0, any: 0, none: 0}},
    {a: 'fe80::1', cls: {family: 6, loop: 0, linkLocal: 1, any: 0, none: 0}},
    {a: '169.254.0.1', cls: {family: 4, loop: 0, linkLocal: 1, any: 0, none: 0}},
    {a: '10.0.0.1', cls: {family: 4, loop: 0, linkLocal: 0, any: 0, none: 0}},
  ])('the address class of "$a" (what the SQL rules read)', ({a, cls}) => {
    expect(addressClass(a)).toEqual(cls)
  })
})

describe('DESIGN rule 2: sides', () => {
  test.for([
    {name: 'TCP LISTEN is a listener', sockets: [s({state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0})], roles: ['listener']},
    {name: 'unconnected UDP is a listener', sockets: [s({protocol: 'UDP', state: 'CLOSE', remoteAddress: '::', remotePort: 0})], roles: ['listener']},
    {name: 'a socket on a port `::` listens on is a server side, for IPv4 too', sockets: [s({state: 'LISTEN', localAddress: '::', remoteAddress: '::', remotePort: 0}), s({})], roles: ['listener', 'server']},
    {name: '0.0.0.0 serves IPv4 only', sockets: [s({state: 'LISTEN', localAddress: '0.0.0.0', remotePort: 0}), s({localAddress: 'fd00::1', remoteAddress: 'fd00::2'})], roles: ['listener', 'client']},
    {name: 'loopback listeners serve loopback of the same family', sockets: [s({state: 'LISTEN', localAddress: '127.0.0.1', remotePort: 0}), s({localAddress: '127.0.0.2', remoteAddress: '127.0.0.1'}), s({localAddress: '::1', remoteAddress: '::1'})], roles: ['listener', 'server', 'client']},
    {name: 'an ephemeral port listened on elsewhere is still a client', sockets: [s({localPort: 3306, remotePort: 5672})], roles: ['client']},
    {name: 'a listener on another protocol serves nothing', sockets: [s({protocol: 'UDP', state: 'CLOSE', localAddress: '0.0.0.0', remoteAddress: '0.0.0.0', remotePort: 0}), s({})], roles: ['listener', 'client']},
    {name: 'a listener of another namespace serves nothing', sockets: [s({state: 'LISTEN', localAddress: '0.0.0.0', remotePort: 0, netns: 'a'}), s({netns: 'b'}), s({netns: 'a'})], roles: ['listener', 'client', 'server']},
    {name: 'a listener later in the table serves the sockets before it', sockets: [s({}), s({state: 'LISTEN', localAddress: '0.0.0.0', remotePort: 0})], roles: ['server', 'listener']},
    {name: 'no remote endpoint is none', sockets: [s({state: 'CLOSE', remoteAddress: '0.0.0.0', remotePort: 0, protocol: 'TCP'})], roles: ['none']},
    {name: 'remote port 0 is none', sockets: [s({remotePort: 0})], roles: ['none']},
  ])('$name', ({sockets, roles}) => {
    expect(classifySockets(sockets)).toEqual(roles)
  })

  test.for([
    {remoteAddress: '10.0.0.2', remotePort: 1, has: true},
    {remoteAddress: '10.0.0.2', remotePort: 0, has: false},
    {remoteAddress: '*', remotePort: 80, has: false},
    {remoteAddress: '::', remotePort: 80, has: false},
  ])('$remoteAddress:$remotePort has a remote endpoint: $has', ({remoteAddress, remotePort, has}) => {
    expect(hasRemote({remoteAddress, remotePort})).toBe(has)
  })
})
