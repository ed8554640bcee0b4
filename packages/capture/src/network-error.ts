import {AnalyzerError} from '@fm/model'

/** Thrown inside the client for failures worth another attempt (5xx, dropped connections). */
export class RetryableError extends Error {
  constructor(message: string, readonly final: AnalyzerError) {
    super(message)
  }
}

const TLS_VERIFY = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE', 'INVALID_CA',
])
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET'])

/**
 * Turns a Node network error into an AnalyzerError a user can act on, or a RetryableError for
 * dropped connections. `where` is the analyzer URL (never with credentials).
 */
export function networkError(e: NodeJS.ErrnoException, where: string, timeoutSeconds: number, opts: {ca?: string} = {}): AnalyzerError | RetryableError {
  const code = e.code ?? ''
  if (code === 'FM_TIMEOUT') {
    return new AnalyzerError(`${where}: no answer for ${timeoutSeconds} s (timeout)`, [
      'The analyzer builds big responses in memory before sending them; raise `timeoutSeconds` for large deployments.',
      'Check that HOST:PORT is the analyzer and not a firewall silently dropping packets.',
    ])
  }
  if (code === 'ECONNREFUSED') {
    return new AnalyzerError(`${where}: connection refused`, ['Is the analyzer running, and is the port right (default 8082)?'])
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new AnalyzerError(`${where}: host name not found (DNS ${code})`, ['Check the host name, or pass the analyzer\'s IP address.'])
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new AnalyzerError(`${where}: host unreachable (${code})`, ['Check routing and firewalls between this machine and the analyzer.'])
  }
  if (TLS_VERIFY.has(code) && opts.ca !== undefined && code !== 'ERR_TLS_CERT_ALTNAME_INVALID' && code !== 'CERT_HAS_EXPIRED' && code !== 'CERT_NOT_YET_VALID') {
    // with a CA given, "self-signed certificate" would say nothing about what is wrong
    return new AnalyzerError(`${where}: the analyzer's TLS certificate is not signed by a CA in \`ca\` ${opts.ca} (${code})`, [
      'Pass the CA that signed the analyzer\'s certificate (openssl s_client -showcerts shows the chain).',
    ])
  }
  if (TLS_VERIFY.has(code)) {
    return new AnalyzerError(`${where}: the analyzer's TLS certificate cannot be verified (${code}: ${e.message})`, [
      'Pass the CA that signed the analyzer\'s certificate with `ca`.',
      'Or, on a network you trust, skip the check with `insecure`.',
    ])
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL') || /wrong version number|ssl3_get_record|packet length too long/i.test(e.message)) {
    return new AnalyzerError(`${where}: TLS handshake failed (${code || e.message})`, [
      'Does the analyzer serve https? Drop `ssl` for a plain-http analyzer, or add `ssl` for an https one.',
    ])
  }
  if (DROPPED.has(code) || /socket hang up|aborted|premature close/i.test(e.message)) {
    const final = new AnalyzerError(`${where}: the connection was dropped before the response was complete (${code || e.message})`, [
      'The analyzer may have restarted or run out of memory building the response; try again, or narrow the capture (no `full`).',
    ])
    return new RetryableError(final.message, final)
  }
  return new AnalyzerError(`${where}: ${code ? `${code}: ` : ''}${e.message}`)
}
