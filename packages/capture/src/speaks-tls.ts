import tls from 'node:tls'

/**
 * True when a TLS handshake with host:port completes (the certificate is not checked: this only
 * asks which protocol the server speaks). Resolves false on any error or after `timeoutMs`.
 */
export function speaksTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({host, port, rejectUnauthorized: false, servername: undefined})
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('secureConnect', () => done(true))
    socket.once('error', () => done(false))
  })
}
