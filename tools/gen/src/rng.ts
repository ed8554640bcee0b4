/** Mixes integers into one 32-bit hash (murmur3 finaliser); the same inputs always give the same value. */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
  }
  return h >>> 0
}

/** A seeded random source (mulberry32) keyed by the given integers: one independent stream per key. */
export function rng(...key: number[]): () => number {
  let a = hash32(...key)
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A UUID-shaped id derived from the key, like Skydive's node ids. Each 32-bit word hashes the
 * key from a different start (word index first): appending the index instead would let two keys
 * whose hash states collide (likely among millions of ids) collide in all four words.
 */
export function uuid(...key: number[]): string {
  const hex = [1, 2, 3, 4].map((i) => hash32(i, ...key).toString(16).padStart(8, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}
