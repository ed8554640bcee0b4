const cache = new Map<string, RegExp>()

/** True when `text` matches the glob: `*` any run of characters, `?` one character, everything else literal. */
export function globMatch(glob: string, text: string): boolean {
  let re = cache.get(glob)
  if (!re) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]')
    re = new RegExp(`^${body}$`)
    cache.set(glob, re)
  }
  return re.test(text)
}

/** True when the glob has a wildcard, i.e. it stands for more than one literal value. */
export function isGlob(glob: string): boolean {
  return glob.includes('*') || glob.includes('?')
}
