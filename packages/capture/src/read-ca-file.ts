import {X509Certificate} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {errnoOf, UsageError} from '@fm/model'

/**
 * Reads the PEM file of CA certificates: one that holds none (a garbage or empty file, a key)
 * is refused here, not later as "self-signed certificate". For every TLS client fm opens
 * (the analyzer's REST API, its websocket publisher).
 */
export function readCaFile(file: string): Buffer {
  let pem: Buffer
  try {
    pem = readFileSync(file)
  } catch (e) {
    throw new UsageError(`\`ca\` ${file}: cannot read (${errnoOf(e) || (e as Error).message})`)
  }
  const blocks = pem.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  for (const b of blocks) {
    try {
      new X509Certificate(b)
    } catch {
      throw new UsageError(`\`ca\` ${file}: a certificate in it cannot be read (not valid PEM)`)
    }
  }
  if (blocks.length === 0) throw new UsageError(`\`ca\` ${file}: no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)`)
  return pem
}
