import {describe, expect, test} from 'vitest'
import {AnalyzerError} from '@fm/model'
import {networkError, RetryableError} from '../src/network-error.js'

const URL = 'https://analyzer:8082'
const err = (code: string, message = code): NodeJS.ErrnoException => Object.assign(new Error(message), {code})

// DNS failures cannot be produced on a loopback-only machine without asking a resolver, so the
// mapping of Node's error codes is checked here; refused connections and TLS run for real elsewhere.
describe('networkError', () => {
  test.for([
    ['ENOTFOUND', 'host name not found (DNS ENOTFOUND)', "Check the host name, or pass the analyzer's IP address."],
    ['EAI_AGAIN', 'host name not found (DNS EAI_AGAIN)', "Check the host name, or pass the analyzer's IP address."],
    ['ECONNREFUSED', 'connection refused', 'Is the analyzer running, and is the port right (default 8082)?'],
    ['EHOSTUNREACH', 'host unreachable (EHOSTUNREACH)', 'Check routing and firewalls between this machine and the analyzer.'],
    ['FM_TIMEOUT', 'no answer for 5 s (timeout)', 'The analyzer builds big responses in memory before sending them; raise `timeoutSeconds` for large deployments.'],
    ['CERT_HAS_EXPIRED', "the analyzer's TLS certificate cannot be verified (CERT_HAS_EXPIRED: CERT_HAS_EXPIRED)", "Pass the CA that signed the analyzer's certificate with `ca`."],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'TLS handshake failed (ERR_SSL_WRONG_VERSION_NUMBER)', 'Does the analyzer serve https? Drop `ssl` for a plain-http analyzer, or add `ssl` for an https one.'],
  ])('%s: "%s", suggesting "%s"', ([code, message, suggestion]) => {
    const e = networkError(err(code), URL, 5)
    expect(e).toBeInstanceOf(AnalyzerError)
    expect(e.message).toBe(`${URL}: ${message}`)
    expect((e as AnalyzerError).suggestions[0]).toBe(suggestion)
  })

  test.for(['ECONNRESET', 'EPIPE'])('%s is a dropped connection, worth a retry', (code) => {
    const e = networkError(err(code), URL, 5)
    expect(e).toBeInstanceOf(RetryableError)
    expect((e as RetryableError).final.message).toContain('the connection was dropped before the response was complete')
  })
})
