import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

/**
 * Makes a throw-away self-signed certificate for 127.0.0.1 and localhost with the openssl
 * CLI, into `dir`. Returns the PEM file paths and contents.
 */
export function selfSignedCertificate(dir: string): {certFile: string; keyFile: string; cert: Buffer; key: Buffer} {
  const certFile = join(dir, 'analyzer.crt')
  const keyFile = join(dir, 'analyzer.key')
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=fm fake analyzer', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ], {stdio: 'pipe'})
  return {certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile)}
}
