import {describe, expect, test} from 'vitest'
import {UsageError} from '@fm/model'
import {analyzerEndpoint, captureQueries, parseInterval, timeContext} from '@fm/capture'

describe('analyzerEndpoint', () => {
  test.for([
    ['127.0.0.1:8082', {}, 'http://127.0.0.1:8082'],
    ['analyzer', {}, 'http://analyzer:8082'],
    ['analyzer:9000', {ssl: true}, 'https://analyzer:9000'],
    ['[::1]:8082', {}, 'http://[::1]:8082'],
    ['https://analyzer:8443', {}, 'https://analyzer:8443'],
  ] as const)('%s with %o is %s', ([spec, opts, url]) => {
    expect(analyzerEndpoint(spec, opts).url).toBe(url)
  })

  test('strips the brackets of an IPv6 host for the socket', () => {
    expect(analyzerEndpoint('[::1]:8082').host).toBe('::1')
  })

  test.for(['', 'http://admin:secret@analyzer:8082', 'ftp://analyzer', 'analyzer:8082/api', 'http://a:1 b'])('refuses %j as a usage error without echoing credentials', (spec) => {
    let err: unknown
    try {
      analyzerEndpoint(spec)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(UsageError)
    expect((err as Error).message).not.toContain('secret')
  })
})

describe('timeContext', () => {
  test.for([
    [undefined, undefined, null],
    ['-10m', undefined, "Context('-10m')"],
    ['-10m', 60, "Context('-10m', 60)"],
    ['1479899809', 5, "Context('1479899809', 5)"],
    ['Sun, 06 Nov 2016 08:49:37 GMT', undefined, "Context('Sun, 06 Nov 2016 08:49:37 GMT')"],
  ] as const)('at %j, duration %j gives %j', ([at, duration, ctx]) => {
    expect(timeContext(at, duration)).toBe(ctx)
  })

  test.for([
    ["-10m') .V().Drop('", undefined],
    ['-10m', 0],
    [undefined, 60],
  ] as const)('refuses at %j with duration %j', ([at, duration]) => {
    expect(() => timeContext(at, duration)).toThrow(UsageError)
  })
})

describe('captureQueries', () => {
  test('asks for hosts, netns, interfaces with addresses (disjoint) and ownership edges', () => {
    expect(captureQueries().map((q) => q.gremlin)).toEqual([
      "G.V().Has('Type', 'host')",
      "G.V().Has('Type', 'netns')",
      "G.V().HasKey('IPV4').Has('Type', Without('host', 'netns'))",
      "G.V().HasKey('IPV6').HasNot('IPV4').Has('Type', Without('host', 'netns'))",
      "G.E().Has('RelationType', 'ownership')",
    ])
  })

  test('puts the time context right after G in every query', () => {
    const qs = captureQueries({at: '-1h', duration: 300, useFlows: true})
    expect(qs.every((q) => q.gremlin.startsWith("G.Context('-1h', 300)."))).toBe(true)
    expect(qs.map((q) => q.role).slice(-2)).toEqual(['flows', 'flow-sockets'])
  })

  test('--full is the whole graph G', () => {
    expect(captureQueries({full: true})).toEqual([{role: 'graph', gremlin: 'G'}])
  })
})

describe('parseInterval', () => {
  test.for([
    ['30s', 30],
    ['2m', 120],
    ['1h', 3600],
    ['500ms', 0.5],
    ['15', 15],
  ] as const)('%s is %d seconds', ([text, seconds]) => {
    expect(parseInterval(text)).toBe(seconds)
  })

  test.for(['', '0s', 'soon', '-5s', '3d'])('refuses %j', (text) => {
    expect(() => parseInterval(text)).toThrow(UsageError)
  })
})
