import {describe, expect, test} from 'vitest'
import {ssSocket} from '../src/index.js'

// Lines of `ss -tuna -e` as different iproute2 releases print them (columns padded as they are).
describe('ssSocket', () => {
  test.for<{release: string; line: string; want: ReturnType<typeof ssSocket>}>([
    {
      release: 'iproute2-ss130716 (CentOS 7): IPv4 wildcard as *, extras after the peer',
      line: 'tcp    LISTEN     0      128                    *:22                    *:*      ino:16543 sk:ffff88003c9f0000 <->',
      want: {protocol: 'TCP', localAddress: '::', localPort: 22, remoteAddress: '::', remotePort: 0, state: 'LISTEN', inode: 16543},
    },
    {
      release: 'iproute2-ss130716: IPv6 without brackets',
      line: 'tcp    LISTEN     0      128                   :::22                   :::*      ino:16545 sk:ffff88003bd20000 <->',
      want: {protocol: 'TCP', localAddress: '::', localPort: 22, remoteAddress: '::', remotePort: 0, state: 'LISTEN', inode: 16545},
    },
    {
      release: 'iproute2-ss130716: a keepalive timer before ino, uid shown',
      line: 'tcp    ESTAB      0      0              10.0.2.15:22             10.0.2.2:51234  timer:(keepalive,89min,0) uid:1000 ino:19876 sk:ffff88003c9f0800 <->',
      want: {protocol: 'TCP', localAddress: '10.0.2.15', localPort: 22, remoteAddress: '10.0.2.2', remotePort: 51234, state: 'ESTABLISHED', inode: 19876},
    },
    {
      release: 'iproute2-ss130716: v4-mapped addresses without brackets',
      line: 'tcp    ESTAB      0      0       ::ffff:10.0.2.15:8080     ::ffff:10.0.2.2:50000  ino:2222 sk:ffff88003c9f1000 <->',
      want: {protocol: 'TCP', localAddress: '10.0.2.15', localPort: 8080, remoteAddress: '10.0.2.2', remotePort: 50000, state: 'ESTABLISHED', inode: 2222},
    },
    {
      release: 'iproute2-ss130716: unconnected UDP is UNCONN (Skydive: CLOSE)',
      line: 'udp    UNCONN     0      0                      *:68                    *:*      ino:15012 sk:ffff88003c0d5000 <->',
      want: {protocol: 'UDP', localAddress: '::', localPort: 68, remoteAddress: '::', remotePort: 0, state: 'CLOSE', inode: 15012},
    },
    {
      release: 'iproute2 4.15 (Ubuntu 18.04): TIME-WAIT has no inode',
      line: 'tcp   TIME-WAIT  0       0              192.168.1.5:43210        192.168.1.9:443    timer:(timewait,52sec,0) ino:0 sk:a1 <->',
      want: {protocol: 'TCP', localAddress: '192.168.1.5', localPort: 43210, remoteAddress: '192.168.1.9', remotePort: 443, state: 'TIME_WAIT', inode: 0},
    },
    {
      release: 'iproute2 5.x: brackets, v4-mapped, upper-case hex compressed',
      line: 'tcp   ESTAB  0      0      [::FFFF:127.0.0.1]:5432  [::ffff:127.0.0.1]:40000 uid:105 ino:777 sk:3 cgroup:/system.slice <->',
      want: {protocol: 'TCP', localAddress: '127.0.0.1', localPort: 5432, remoteAddress: '127.0.0.1', remotePort: 40000, state: 'ESTABLISHED', inode: 777},
    },
    {
      release: 'iproute2 6.1: a scope id after the bracket',
      line: 'tcp   SYN-SENT 0     1      [fe80::1]%eth0:41000   [fe80::2]:22   ino:88 sk:4 <->',
      want: {protocol: 'TCP', localAddress: 'fe80::1', localPort: 41000, remoteAddress: 'fe80::2', remotePort: 22, state: 'SYN_SENT', inode: 88},
    },
    {
      release: 'iproute2 5.x: a scope id inside old-style unbracketed text',
      line: 'tcp   ESTAB   0      0   fe80::a00:27ff:fe4e:66a1%enp0s3:22   fe80::1%enp0s3:55000  ino:99 sk:5 <->',
      want: {protocol: 'TCP', localAddress: 'fe80::a00:27ff:fe4e:66a1', localPort: 22, remoteAddress: 'fe80::1', remotePort: 55000, state: 'ESTABLISHED', inode: 99},
    },
    {
      release: 'iproute2 6.1: a UDP socket bound to a device (systemd-resolved)',
      line: 'udp   UNCONN 0      0      127.0.0.53%lo:53        0.0.0.0:*    uid:101 ino:1234 sk:6 cgroup:/system.slice/systemd-resolved.service <->',
      want: {protocol: 'UDP', localAddress: '127.0.0.53', localPort: 53, remoteAddress: '0.0.0.0', remotePort: 0, state: 'CLOSE', inode: 1234},
    },
    {
      release: 'iproute2 6.1: a connected UDP socket is ESTAB',
      line: 'udp   ESTAB  0      0      10.231.1.1:34419  10.231.1.3:5353 ino:4321 sk:7 cgroup:unreachable:1 <->',
      want: {protocol: 'UDP', localAddress: '10.231.1.1', localPort: 34419, remoteAddress: '10.231.1.3', remotePort: 5353, state: 'ESTABLISHED', inode: 4321},
    },
    {
      release: 'iproute2 6.1: the other TCP states',
      line: 'tcp FIN-WAIT-2 0 0 10.0.0.1:1000 10.0.0.2:2000 ino:0 sk:8 <->',
      want: {protocol: 'TCP', localAddress: '10.0.0.1', localPort: 1000, remoteAddress: '10.0.0.2', remotePort: 2000, state: 'FIN_WAIT2', inode: 0},
    },
    {release: 'a header line', line: 'Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess', want: 'header'},
    {release: 'a unix socket (not asked for)', line: 'u_str ESTAB 0 0 * 12345 * 12346', want: null},
    {release: 'a port out of range', line: 'tcp ESTAB 0 0 10.0.0.1:70000 10.0.0.2:1 ino:1', want: null},
    {release: 'an unknown state', line: 'tcp WEIRD 0 0 10.0.0.1:1 10.0.0.2:2 ino:1', want: null},
  ])('$release', ({line, want}) => {
    expect(ssSocket(line)).toEqual(want)
  })

  test('never reads the users:(( )) column: a forged one changes nothing', () => {
    const plain = 'tcp ESTAB 0 0 10.0.0.1:80 10.0.0.2:5000 ino:42 sk:1 <->'
    const forged = 'tcp ESTAB 0 0 10.0.0.1:80 10.0.0.2:5000 users:(("x",pid=1,fd=3),("ino:7",pid=2,fd=4)) ino:42 sk:1 <->'
    expect(ssSocket(forged)).toEqual(ssSocket(plain))
  })
})
