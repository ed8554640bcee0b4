import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {CryptoPan, type FixedRange} from '../src/crypto-pan.js'
import {addressBytes, bytesToAddress} from '@fm/model'
import {commonPrefixLength} from '../src/ip-bytes.js'

// The sample key of the Crypto-PAn reference distribution, and address pairs from its
// sample_trace_raw.dat / sample_trace_sanitized.dat (as listed by the Go and Python ports' tests).
const REFERENCE_KEY = Uint8Array.from([21, 34, 23, 141, 51, 164, 207, 128, 19, 10, 91, 22, 73, 144, 125, 16, 216, 152, 143, 131, 121, 121, 101, 39, 98, 87, 76, 45, 42, 132, 34, 2])
const REFERENCE_V4: [string, string][] = [
  ['128.11.68.132', '135.242.180.132'], ['129.118.74.4', '134.136.186.123'], ['130.132.252.244', '133.68.164.234'],
  ['141.223.7.43', '141.167.8.160'], ['141.233.145.108', '141.129.237.235'], ['152.163.225.39', '151.140.114.167'],
  ['156.29.3.236', '147.225.12.42'], ['165.247.96.84', '162.9.99.234'], ['166.107.77.190', '160.132.178.185'],
  ['192.102.249.13', '252.138.62.131'], ['192.215.32.125', '252.43.47.189'], ['192.233.80.103', '252.25.108.8'],
  ['192.41.57.43', '252.222.221.184'], ['193.150.244.223', '253.169.52.216'], ['195.205.63.100', '255.186.223.5'],
  ['198.200.171.101', '249.199.68.213'], ['198.26.132.101', '249.36.123.202'], ['198.36.213.5', '249.7.21.132'],
  ['198.51.77.238', '249.18.186.254'], ['199.217.79.101', '248.38.184.213'], ['202.49.198.20', '245.206.7.234'],
  ['203.12.160.252', '244.248.163.4'], ['204.184.162.189', '243.192.77.90'], ['204.202.136.230', '243.178.4.198'],
  ['204.29.20.4', '243.33.20.123'], ['205.178.38.67', '242.108.198.51'], ['205.188.147.153', '242.96.16.101'],
  ['205.188.248.25', '242.96.88.27'], ['205.245.121.43', '242.21.121.163'], ['207.105.49.5', '241.118.205.138'],
  ['207.135.65.238', '241.202.129.222'], ['207.155.9.214', '241.220.250.22'], ['207.188.7.45', '241.255.249.220'],
  ['207.25.71.27', '241.33.119.156'], ['207.33.151.131', '241.1.233.131'], ['208.147.89.59', '227.237.98.191'],
  ['208.234.120.210', '227.154.67.17'], ['208.28.185.184', '227.39.94.90'], ['208.52.56.122', '227.8.63.165'],
  ['209.12.231.7', '226.243.167.8'], ['209.238.72.3', '226.6.119.243'], ['209.246.74.109', '226.22.124.76'],
  ['209.68.60.238', '226.184.220.233'], ['209.85.249.6', '226.170.70.6'], ['212.120.124.31', '228.135.163.231'],
  ['212.146.8.236', '228.19.4.234'], ['212.186.227.154', '228.59.98.98'], ['212.204.172.118', '228.71.195.169'],
  ['212.206.130.201', '228.69.242.193'], ['216.148.237.145', '235.84.194.111'], ['216.157.30.252', '235.89.31.26'],
  ['216.184.159.48', '235.96.225.78'], ['216.227.10.221', '235.28.253.36'], ['216.254.18.172', '235.7.16.162'],
  ['216.32.132.250', '235.192.139.38'], ['216.35.217.178', '235.195.157.81'], ['24.0.250.221', '100.15.198.226'],
  ['24.13.62.231', '100.2.192.247'], ['24.14.213.138', '100.1.42.141'], ['24.5.0.80', '100.9.15.210'],
  ['24.7.198.88', '100.10.6.25'], ['24.94.26.44', '100.88.228.35'], ['38.15.67.68', '64.3.66.187'],
  ['4.3.88.225', '124.60.155.63'], ['63.14.55.111', '95.9.215.7'], ['63.195.241.44', '95.179.238.44'],
  ['63.97.7.140', '95.97.9.123'], ['64.14.118.196', '0.255.183.58'], ['64.34.154.117', '0.221.154.117'],
  ['64.39.15.238', '0.219.7.41'], ['10.185.25.118', '117.161.29.118'],
]
// IPv6 with the same key (the Go port's vectors), and with the key 0..31 (pycryptopan's and yacryptopan's example).
const REFERENCE_V6: [string, string][] = [
  ['::1', '78ff:f001:9fc0:20df:8380:b1f1:704:ed'], ['::2', '78ff:f001:9fc0:20df:8380:b1f1:704:ef'],
  ['::ffff', '78ff:f001:9fc0:20df:8380:b1f1:704:f838'], ['2001:db8::1', '4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1e'],
  ['2001:db8::2', '4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1c'],
]
const COUNTING_KEY = Uint8Array.from({length: 32}, (_, i) => i)

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'))
const bytes = (n: number) => fc.uint8Array({minLength: n, maxLength: n})

describe('CryptoPan', () => {
  const reference = new CryptoPan(REFERENCE_KEY)

  test.for(REFERENCE_V4)('gives the reference implementation\'s output for %s', ([raw, anon]) => {
    expect(reference.anonymize(raw)).toBe(anon)
  })

  test.for(REFERENCE_V6)('gives the published IPv6 output for %s', ([raw, anon]) => {
    expect(reference.anonymize(raw)).toBe(bytesToAddress(addressBytes(anon)!))
  })

  test('gives pycryptopan\'s example results with the key 0..31', () => {
    const cp = new CryptoPan(COUNTING_KEY)
    expect(cp.anonymize('192.0.2.1')).toBe('2.90.93.17')
    expect(cp.anonymize('2001:db8::1')).toBe('dd92:2c44:3fc0:ff1e:7ff9:c7f0:8180:7e00')
  })

  test('two IPv4 addresses share exactly as many leading bits after as before', () => {
    fc.assert(
      fc.property(bytes(32), ipv4, ipv4, (key, a, b) => {
        const cp = new CryptoPan(key)
        const [x, y] = [addressBytes(a)!, addressBytes(b)!]
        expect(commonPrefixLength(cp.anonymizeBytes(x), cp.anonymizeBytes(y))).toBe(commonPrefixLength(x, y))
      }),
    )
  })

  test('two IPv6 addresses share exactly as many leading bits after as before', () => {
    fc.assert(
      fc.property(bytes(32), bytes(16), bytes(16), fc.nat(128), (key, a, b, keep) => {
        const cp = new CryptoPan(key)
        // make long common prefixes likely: b takes a's first `keep` bits
        const y = Uint8Array.from(b)
        for (let i = 0; i < keep; i++) {
          const bit = 0x80 >> (i & 7)
          y[i >> 3] = (y[i >> 3] & ~bit) | (a[i >> 3] & bit)
        }
        expect(commonPrefixLength(cp.anonymizeBytes(a), cp.anonymizeBytes(y))).toBe(commonPrefixLength(a, y))
      }),
    )
  })

  const FIXED: FixedRange[] = [
    {bytes: addressBytes('127.0.0.0')!, prefix: 8, keep: 'value'},
    {bytes: addressBytes('169.254.0.0')!, prefix: 16, keep: 'class'},
    {bytes: addressBytes('224.0.0.0')!, prefix: 4, keep: 'class'},
  ]
  const inRange = (x: Uint8Array, r: FixedRange): boolean => commonPrefixLength(x, r.bytes) >= r.prefix

  test('with fixed ranges: still prefix-preserving, and in a range after exactly when in it before', () => {
    fc.assert(
      fc.property(bytes(32), ipv4, ipv4, (key, a, b) => {
        const cp = new CryptoPan(key, {fixed: FIXED})
        const [x, y] = [addressBytes(a)!, addressBytes(b)!]
        const [ax, ay] = [cp.anonymizeBytes(x), cp.anonymizeBytes(y)]
        expect(commonPrefixLength(ax, ay)).toBe(commonPrefixLength(x, y))
        for (const r of FIXED) expect(inRange(ax, r)).toBe(inRange(x, r))
        if (inRange(x, FIXED[0])) expect(ax).toEqual(x)
      }),
    )
  })

  test('with fixed ranges: a class range is anonymised inside', () => {
    fc.assert(
      fc.property(bytes(32), fc.nat(255), fc.nat(255), (key, c, d) => {
        const cp = new CryptoPan(key, {fixed: FIXED})
        const x = Uint8Array.from([169, 254, c, d])
        const ax = cp.anonymizeBytes(x)
        expect(Array.from(ax.subarray(0, 2))).toEqual([169, 254])
      }),
    )
  })

  test('different keys give different addresses', () => {
    expect(new CryptoPan(COUNTING_KEY).anonymize('10.1.2.3')).not.toBe(reference.anonymize('10.1.2.3'))
  })
})
