import {createHash} from 'node:crypto'

/** fm's namespace for name-based UUIDs (itself the v5 UUID of "fm.flow-matrix" in the URL namespace). */
export const FM_NAMESPACE = 'c437f352-ee3c-5c4f-87a0-0a154e42e668'

/**
 * A name-based (SHA-1, version 5) UUID, RFC 4122 section 4.3: the same name always gives the same
 * ID, so publishing a matrix again addresses the elements it published before.
 * Example: `uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8') === '2ed6657d-e927-568b-95e1-2665a8aea6a2'`
 */
export function uuidV5(name: string, namespace: string = FM_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex')
  if (ns.length !== 16) throw new RangeError(`not a UUID: ${namespace}`)
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest()
  h[6] = (h[6] & 0x0f) | 0x50
  h[8] = (h[8] & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`
}
