import {describe, expect, test} from 'vitest'
import {serviceName} from '../src/index.js'

describe('serviceName', () => {
  test.for([
    [{name: 'nova-api', process: '/usr/bin/python3.9'}, 'nova-api'],
    // the comm is kept as the probe reported it, truncated to 15 characters by the kernel
    [{name: 'dleyna-renderer', process: '/usr/libexec/dleyna-renderer-service'}, 'dleyna-renderer'],
    [{name: '', process: '/usr/sbin/sshd'}, 'sshd'],
    [{name: '', process: 'python3'}, 'python3'],
    [{name: '', process: '/opt/app/bin/a b'}, 'a b'],
    // a path ending in `/` names a directory, not an executable: no file name, so no service name
    [{name: '', process: '/opt/app/'}, '?'],
    [{name: '', process: '/'}, '?'],
    [{name: '', process: ''}, '?'],
  ] as const)('names %o as %s', ([ep, name]) => {
    expect(serviceName(ep)).toBe(name)
  })
})
