import type {Endpoint} from '@fm/model'

/** The service an endpoint belongs to: its process name (comm), else the executable's basename. */
export function serviceName(ep: Endpoint): string {
  if (ep.name) return ep.name
  const base = ep.process.split('/').filter(Boolean).pop()
  return base || '?'
}
