import {fileURLToPath} from 'node:url'
import {JSDOM} from 'jsdom'
import {analyze} from '@fm/analyze'
import type {Matrix} from '@fm/model'

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url))
export const fixture = (p: string): string => `${REPO}fixtures/${p}`

const cache = new Map<string, Promise<Matrix>>()
/** The matrix of a committed dump (analyzed once per test file). */
export function matrixOf(dump: string): Promise<Matrix> {
  let m = cache.get(dump)
  if (!m) cache.set(dump, (m = analyze({inputs: [fixture(dump)]})))
  return m
}

/** A fresh document, as the report writer would create. */
export function newDocument(): Document {
  return new JSDOM('<!DOCTYPE html><html><body></body></html>').window.document
}

/** Serialises an element as XML with one tag per line, so golden diffs are readable. */
export function goldenSvg(el: Element): string {
  const xml = new (el.ownerDocument.defaultView!.XMLSerializer)().serializeToString(el)
  return xml.replace(/></g, '>\n<') + '\n'
}
