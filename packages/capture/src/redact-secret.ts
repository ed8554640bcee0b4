/** Shorter forms than this are too likely to occur by chance in unrelated text to be replaced. */
const SHORTEST_REPLACED = 6

/**
 * The forms a secret takes when a server echoes what it was sent: raw, percent-encoded (as
 * encodeURIComponent and as strict encoders do, upper and lower case hex), form-encoded, JSON-escaped (standard, Go's HTML-safe, all non-ASCII as
 * \u escapes) and base64 (of the secret, and of `user:secret` as in Basic auth; standard and URL
 * alphabets). Longest first, so a form is replaced before a shorter one inside it.
 */
export function secretForms(secret: string, user?: string): string[] {
  if (!secret) return []
  const percent = encodeURIComponent(secret)
  const json = JSON.stringify(secret).slice(1, -1)
  const goJson = json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
  const b64 = (s: string): string[] => {
    const b = Buffer.from(s, 'utf8').toString('base64')
    return [b, b.replace(/=+$/, ''), b.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')]
  }
  // what Go's url.QueryEscape and strict encoders give: everything but letters, digits and -_.~
  const strict = [...Buffer.from(secret, 'utf8')].map((b) => (/[\w.~-]/.test(String.fromCharCode(b)) && b < 0x80 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('')
  const lower = (t: string): string => t.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())
  const forms = new Set([
    secret,
    percent,
    lower(percent),
    strict,
    lower(strict),
    strict.replace(/%20/g, '+'),
    lower(strict).replace(/%20/g, '+'),
    new URLSearchParams({s: secret}).toString().slice(2),
    json,
    goJson,
    goJson.replace(/[^\u0000-\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    ...b64(secret),
    ...(user !== undefined ? b64(`${user}:${secret}`) : []),
  ])
  return [...forms].filter(Boolean).sort((a, b) => b.length - a.length)
}

/**
 * Removes a secret from text that came from elsewhere (a server's error body, its status line,
 * a parser's excerpt of its response). Whole occurrences of a long enough form become `***`.
 * A short form cannot be told from unrelated text (a password `1` is in every address), and
 * replacing it would both garble the text and show where the secret is: when one occurs, the
 * whole text is withheld instead (null).
 */
export function redactSecret(text: string, forms: string[]): string | null {
  let out = text
  for (const f of forms) {
    if (!out.includes(f)) continue
    if (f.length < SHORTEST_REPLACED) return null
    out = out.split(f).join('***')
  }
  return out
}
