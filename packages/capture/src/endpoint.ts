import {UsageError} from '@fm/model'

/** Where the analyzer listens; `url` never carries credentials. */
export interface AnalyzerEndpoint {
  url: string
  protocol: 'http:' | 'https:'
  host: string
  port: number
}

export const DEFAULT_ANALYZER_PORT = 8082

/**
 * Parses `--analyzer HOST[:PORT]` (or an http(s) URL) the way the original tool took it.
 * Example: `analyzerEndpoint('10.0.0.1:8082', {ssl: true}).url === 'https://10.0.0.1:8082'`
 */
export function analyzerEndpoint(spec: string, opts: {ssl?: boolean} = {}): AnalyzerEndpoint {
  const text = spec.trim()
  if (!text) throw new UsageError('`analyzer` is empty: expected HOST:PORT, e.g. 127.0.0.1:8082')
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
  let u: URL
  try {
    u = new URL(hasScheme ? text : `${opts.ssl ? 'https' : 'http'}://${text}`)
  } catch {
    throw new UsageError(`\`analyzer\` ${JSON.stringify(text)} is not HOST:PORT`, ['Example: 127.0.0.1:8082 (IPv6: [::1]:8082)'])
  }
  if (u.username || u.password) {
    // a password in the URL would sit in argv and shell history; refuse it without echoing it
    throw new UsageError('`analyzer` must not contain credentials', ['Give them as `username` and `password`.'])
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`\`analyzer\`: unsupported scheme ${u.protocol} (expected http or https)`)
  if (hasScheme && opts.ssl && u.protocol === 'http:') throw new UsageError('`ssl` conflicts with an http:// analyzer URL')
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) throw new UsageError('`analyzer` takes HOST:PORT only, without a path')
  const protocol = u.protocol as 'http:' | 'https:'
  const port = u.port ? Number(u.port) : DEFAULT_ANALYZER_PORT
  return {url: `${protocol}//${u.hostname}:${port}`, protocol, host: u.hostname.replace(/^\[|\]$/g, ''), port}
}
