import type {Endpoint} from './types.js'

/**
 * The host-independent identity of one end: its process name (comm), else what the kernel would
 * have named it, the text after the executable path's last `/` (`/usr/sbin/sshd` → `sshd`), else
 * `?`: a socket whose process the probe could not see, or a path that names no file
 * (`/opt/app/` → `?`, not the directory `app`). Every view, rule and output names services by it.
 */
export function serviceName(e: Pick<Endpoint, 'name' | 'process'>): string {
  if (e.name) return e.name
  return e.process.slice(e.process.lastIndexOf('/') + 1) || '?'
}
