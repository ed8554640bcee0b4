import {cmp} from '@fm/model'

/**
 * Keeps the `keep` keys with the largest totals (ties broken by key, so the result never depends
 * on input order) when there are more than `keep + 1`; the rest are to be folded into "other".
 */
export function foldTop(totals: Map<string, number>, keep: number): {kept: Set<string>; folded: string[]} {
  if (totals.size <= keep + 1) return {kept: new Set(totals.keys()), folded: []}
  const order = [...totals].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))
  return {kept: new Set(order.slice(0, keep).map(([k]) => k)), folded: order.slice(keep).map(([k]) => k).sort(cmp)}
}
