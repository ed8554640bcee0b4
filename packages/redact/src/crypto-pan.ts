import {createCipheriv, type Cipher} from 'node:crypto'
import {addressBytes, bytesToAddress} from '@fm/model'
import {samePrefix} from './ip-bytes.js'

/**
 * A range whose addresses must stay in it: `value` keeps every address of it unchanged
 * (loopback, the unspecified address, `--keep-address`), `class` keeps the prefix and
 * anonymises the rest (link-local, multicast).
 */
export interface FixedRange {
  /** The network address: 4 or 16 bytes. */
  bytes: Uint8Array
  prefix: number
  keep: 'value' | 'class'
}

/**
 * Crypto-PAn (Xu, Fan, Ammar, Moon, "Prefix-Preserving IP Address Anonymization", ICNP 2002)
 * over AES-128: bit i of the result is bit i of the address flipped by the first bit of
 * AES(key, first i bits of the address, then the padding's bits). Two addresses share a k-bit
 * prefix after anonymisation exactly when they did before; the mapping is one-to-one.
 *
 * With `fixed` ranges the flip is left out on the path from the root to each range (and, for
 * `value` ranges, inside it). That is still a prefix-preserving bijection, and it maps each
 * range onto itself: nothing outside a range can land in it, so loopback stays loopback and no
 * routable address becomes link-local. The cost: the few leading bits an address shares with
 * a fixed range's path stay as they were (an address in 172.0.0.0/6 stays there).
 *
 * `key` is 32 bytes, as in the reference implementation: the AES key, then the padding seed.
 */
export class CryptoPan {
  private readonly cipher: Cipher
  private readonly pad: Uint8Array
  /** The fixed ranges by address length in bytes (4, 16). */
  private readonly fixed: Record<number, FixedRange[]>

  constructor(key: Uint8Array, opts: {fixed?: FixedRange[]} = {}) {
    if (key.length !== 32) throw new RangeError(`Crypto-PAn needs a 32-byte key, got ${key.length} bytes`)
    this.cipher = createCipheriv('aes-128-ecb', key.subarray(0, 16), null).setAutoPadding(false)
    this.pad = new Uint8Array(this.cipher.update(key.subarray(16, 32)))
    const fixed = opts.fixed ?? []
    this.fixed = {4: fixed.filter((r) => r.bytes.length === 4), 16: fixed.filter((r) => r.bytes.length === 16)}
  }

  /** Anonymises 4 (IPv4) or 16 (IPv6) address bytes. */
  anonymizeBytes(addr: Uint8Array): Uint8Array {
    const n = addr.length * 8
    const fixed = this.fixed[addr.length] ?? []
    if (fixed.some((r) => r.keep === 'value' && samePrefix(addr, r.bytes, r.prefix))) return Uint8Array.from(addr)
    // Every block depends on the address and the padding only, never on an earlier result:
    // all n blocks go through AES in one call.
    const blocks = Buffer.alloc(16 * n)
    for (let pos = 0; pos < n; pos++) {
      const block = blocks.subarray(16 * pos, 16 * pos + 16)
      block.set(this.pad)
      const whole = pos >> 3
      for (let i = 0; i < whole; i++) block[i] = addr[i]
      const rest = pos & 7
      if (rest) {
        const mask = (0xff << (8 - rest)) & 0xff
        block[whole] = (addr[whole] & mask) | (this.pad[whole] & ~mask & 0xff)
      }
    }
    const out = this.cipher.update(blocks)
    const result = Uint8Array.from(addr)
    for (let pos = 0; pos < n; pos++) {
      if (!(out[16 * pos] & 0x80)) continue
      if (fixed.some((r) => (pos < r.prefix ? samePrefix(addr, r.bytes, pos) : r.keep === 'value' && samePrefix(addr, r.bytes, r.prefix)))) continue
      result[pos >> 3] ^= 0x80 >> (pos & 7)
    }
    return result
  }

  /** Anonymises an IPv4 or IPv6 address text; the result is canonical (IPv6 compressed). Throws RangeError for other text. */
  anonymize(text: string): string {
    const b = addressBytes(text)
    if (!b) throw new RangeError(`not an IP address: ${JSON.stringify(text)}`)
    return bytesToAddress(this.anonymizeBytes(b))
  }
}
