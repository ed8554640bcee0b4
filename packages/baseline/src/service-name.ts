import type {Endpoint} from '@fm/model'

/**
 * The host-independent identity of one end: its process name (comm), else the executable's
 * file name, else `?` (a socket whose process the probe could not see).
 */
export function serviceName(e: Pick<Endpoint, 'name' | 'process'>): string {
  if (e.name) return e.name
  const base = e.process.slice(e.process.lastIndexOf('/') + 1)
  return base || '?'
}
