import type {TestHost} from '@fm/test-helpers'

/** One matching rule: a deployment and what fm must find in it. */
export interface Case {
  name: string
  hosts: TestHost[]
  states?: string[] | 'any'
  entries: string[]
  unmatched?: string[]
  ambiguities?: number
}

export const ruleCases: Case[] = [
  {
    name: 'pairs a client with the server socket whose tuple is its mirror image',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40000 10.0.0.2:3306 ESTABLISHED php']},
      {name: 'db', addrs: ['10.0.0.2/24'], sockets: ['TCP 0.0.0.0:3306 0.0.0.0:0 LISTEN mysqld', 'TCP 10.0.0.2:3306 10.0.0.1:40000 ESTABLISHED mysqld']},
    ],
    entries: ['TCP db 10.0.0.2:3306 mysqld <- app 10.0.0.1 php [socket]'],
  },
  {
    name: 'treats IPv4-mapped IPv6 addresses as the IPv4 address',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP [::ffff:10.0.0.1]:40000 [::ffff:10.0.0.2]:8080 ESTABLISHED java']},
      {name: 'api', addrs: ['10.0.0.2/24'], sockets: ['TCP [::]:8080 [::]:0 LISTEN tomcat', 'TCP [::ffff:10.0.0.2]:8080 [::ffff:10.0.0.1]:40000 ESTABLISHED tomcat']},
    ],
    entries: ['TCP api 10.0.0.2:8080 tomcat <- app 10.0.0.1 java [socket]'],
  },
  {
    name: 'lets a :: listener serve IPv4 clients (server side and listener match)',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40001 10.0.0.2:80 ESTABLISHED curl', 'TCP 10.0.0.1:40002 10.0.0.2:80 ESTABLISHED wget']},
      {name: 'web', addrs: ['10.0.0.2/24'], sockets: ['TCP [::]:80 [::]:0 LISTEN nginx', 'TCP 10.0.0.2:80 10.0.0.1:40001 ESTABLISHED nginx']},
    ],
    entries: ['TCP web 10.0.0.2:80 nginx <- app 10.0.0.1 curl [socket]', 'TCP web 10.0.0.2:80 nginx <- app 10.0.0.1 wget [listener]'],
  },
  {
    name: 'pairs loopback connections only on the same host',
    hosts: [
      {name: 'a', addrs: ['10.0.0.1/24'], sockets: ['TCP 127.0.0.1:50000 127.0.0.1:6379 ESTABLISHED worker']},
      {name: 'b', addrs: ['10.0.0.2/24'], sockets: ['TCP 127.0.0.1:6379 0.0.0.0:0 LISTEN redis', 'TCP 127.0.0.1:6379 127.0.0.1:50000 ESTABLISHED redis']},
    ],
    entries: [],
    unmatched: ['no-listener a worker -> 127.0.0.1:6379'],
  },
  {
    name: 'matches loopback to a listener of the client\'s own host',
    hosts: [{name: 'a', addrs: ['10.0.0.1/24'], sockets: ['TCP [::1]:50000 [::1]:5432 ESTABLISHED psql', 'TCP [::1]:5432 [::]:0 LISTEN postgres']}],
    entries: ['TCP a [::1]:5432 postgres <- a ::1 psql [listener]'],
  },
  {
    name: 'pairs each host\'s client with its own server when a container address lives on several hosts',
    hosts: ['n1', 'n2', 'n3'].map((n, i) => ({
      name: n,
      addrs: [`10.0.1.${i + 1}/24`],
      netns: {ctr: ['172.17.0.2/16']},
      sockets: ['TCP 172.17.0.2:80 0.0.0.0:0 LISTEN httpd', 'TCP 172.17.0.2:80 172.17.0.1:41000 ESTABLISHED httpd', `TCP 172.17.0.1:41000 172.17.0.2:80 ESTABLISHED probe-${n}`],
    })),
    entries: ['TCP n1 172.17.0.2:80 httpd <- n1 172.17.0.1 probe-n1 [socket]', 'TCP n2 172.17.0.2:80 httpd <- n2 172.17.0.1 probe-n2 [socket]', 'TCP n3 172.17.0.2:80 httpd <- n3 172.17.0.1 probe-n3 [socket]'],
    ambiguities: 3,
  },
  {
    name: 'never reverses an edge when a client\'s ephemeral port is listened on elsewhere',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:3306 10.0.0.2:80 ESTABLISHED curl']},
      {name: 'web', addrs: ['10.0.0.2/24'], sockets: ['TCP 0.0.0.0:80 0.0.0.0:0 LISTEN nginx', 'TCP 10.0.0.2:80 10.0.0.1:3306 ESTABLISHED nginx']},
      {name: 'db', addrs: ['10.0.0.3/24'], sockets: ['TCP 0.0.0.0:3306 0.0.0.0:0 LISTEN mysqld']},
    ],
    entries: ['TCP web 10.0.0.2:80 nginx <- app 10.0.0.1 curl [socket]'],
  },
  {
    name: 'matches a connected UDP client to the UDP listener serving its remote address',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['UDP 10.0.0.1:53000 10.0.0.53:53 ESTABLISHED resolver']},
      {name: 'dns', addrs: ['10.0.0.53/24'], sockets: ['UDP 0.0.0.0:53 0.0.0.0:0 CLOSE named', 'UDP [::]:5353 [::]:0 CLOSE avahi']},
    ],
    entries: ['UDP dns 10.0.0.53:53 named <- app 10.0.0.1 resolver [listener]'],
  },
  {
    name: 'falls back to the listener when the server side is not visible',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40000 10.0.0.2:443 ESTABLISHED curl']},
      {name: 'web', addrs: ['10.0.0.2/24'], sockets: ['TCP 10.0.0.2:443 0.0.0.0:0 LISTEN haproxy']},
    ],
    entries: ['TCP web 10.0.0.2:443 haproxy <- app 10.0.0.1 curl [listener]'],
  },
  {
    // both candidates tie on owner, host and node: only the socket key (read lazily) decides
    name: 'picks by socket key between two listeners of one host serving the address',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40000 10.0.0.2:80 ESTABLISHED curl']},
      {name: 'web', addrs: ['10.0.0.2/24'], sockets: ['TCP 10.0.0.2:80 0.0.0.0:0 LISTEN haproxy', 'TCP 0.0.0.0:80 0.0.0.0:0 LISTEN nginx']},
    ],
    entries: ['TCP web 10.0.0.2:80 nginx <- app 10.0.0.1 curl [listener]'],
    ambiguities: 1,
  },
  {
    name: 'keeps a connection to an address no captured host owns as external',
    hosts: [{name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40000 8.8.8.8:443 ESTABLISHED curl']}],
    entries: [],
    unmatched: ['external app curl -> 8.8.8.8:443'],
  },
  {
    name: 'reports no-listener when the owner host has sockets but nothing listens there',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40000 10.0.0.2:9999 ESTABLISHED curl']},
      {name: 'web', addrs: ['10.0.0.2/24'], sockets: ['TCP 0.0.0.0:80 0.0.0.0:0 LISTEN nginx']},
    ],
    entries: [],
    unmatched: ['no-listener app curl -> 10.0.0.2:9999'],
  },
  {
    name: 'ignores TIME_WAIT and CLOSE_WAIT clients by default',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40000 10.0.0.2:80 TIME_WAIT curl', 'TCP 10.0.0.1:40001 10.0.0.2:80 CLOSE_WAIT wget']},
      {name: 'web', addrs: ['10.0.0.2/24'], sockets: ['TCP 0.0.0.0:80 0.0.0.0:0 LISTEN nginx', 'TCP 10.0.0.2:80 10.0.0.1:40000 TIME_WAIT nginx']},
    ],
    entries: [],
  },
  {
    name: 'counts every non-listener state with --states any',
    states: 'any',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40000 10.0.0.2:80 TIME_WAIT curl', 'TCP 10.0.0.1:40001 10.0.0.2:80 CLOSE_WAIT wget']},
      {name: 'web', addrs: ['10.0.0.2/24'], sockets: ['TCP 0.0.0.0:80 0.0.0.0:0 LISTEN nginx', 'TCP 10.0.0.2:80 10.0.0.1:40000 TIME_WAIT nginx']},
    ],
    entries: ['TCP web 10.0.0.2:80 nginx <- app 10.0.0.1 curl [socket]', 'TCP web 10.0.0.2:80 nginx <- app 10.0.0.1 wget [listener]'],
  },
  {
    name: 'says host-without-sockets when the address belongs to a host that reported no sockets',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40000 10.0.0.3:80 ESTABLISHED curl']},
      {name: 'silent', addrs: ['10.0.0.3/24']},
    ],
    entries: [],
    unmatched: ['host-without-sockets app curl -> 10.0.0.3:80'],
  },
  {
    name: 'prefers the host that owns the address over a host that merely holds a mirror socket',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40000 10.0.0.9:80 ESTABLISHED curl']},
      {name: 'owner', addrs: ['10.0.0.9/24'], sockets: ['TCP 0.0.0.0:80 0.0.0.0:0 LISTEN nginx', 'TCP 10.0.0.9:80 10.0.0.1:40000 ESTABLISHED nginx']},
      {name: 'copy', addrs: ['10.0.0.8/24'], sockets: ['TCP 0.0.0.0:80 0.0.0.0:0 LISTEN nginx', 'TCP 10.0.0.9:80 10.0.0.1:40000 ESTABLISHED nginx']},
    ],
    entries: ['TCP owner 10.0.0.9:80 nginx <- app 10.0.0.1 curl [socket]'],
    ambiguities: 1,
  },
  {
    name: 'finds addresses owned through a network namespace',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40000 10.1.0.5:8774 ESTABLISHED nova']},
      {name: 'ctl', addrs: ['10.0.0.2/24'], netns: {qrouter: ['10.1.0.5/24']}, sockets: ['TCP 10.1.0.5:8774 0.0.0.0:0 LISTEN nova-api']},
    ],
    entries: ['TCP ctl 10.1.0.5:8774 nova-api <- app 10.0.0.1 nova [listener]'],
  },
  {
    name: 'counts connections of the same services and addresses in one entry',
    hosts: [
      {name: 'app', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40000 10.0.0.2:5672 ESTABLISHED nova', 'TCP 10.0.0.1:40001 10.0.0.2:5672 ESTABLISHED nova', 'TCP 10.0.0.1:40002 10.0.0.2:5672 ESTABLISHED nova']},
      {name: 'mq', addrs: ['10.0.0.2/24'], sockets: ['TCP [::]:5672 [::]:0 LISTEN beam', 'TCP 10.0.0.2:5672 10.0.0.1:40000 ESTABLISHED beam', 'TCP 10.0.0.2:5672 10.0.0.1:40001 ESTABLISHED beam']},
    ],
    entries: ['TCP mq 10.0.0.2:5672 beam <- app 10.0.0.1 nova x3 [socket,listener]'],
  },
]
