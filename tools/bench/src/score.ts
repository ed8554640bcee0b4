/** Precision and recall of fm's CSV rows against the ground-truth CSV (header excluded, as sets of lines). */
export function scoreCsv(actual: string, truth: string): {precision: number; recall: number; missing: string[]; extra: string[]} {
  const rows = (csv: string): Set<string> => new Set(csv.split(/\r?\n/).slice(1).filter(Boolean))
  const a = rows(actual)
  const t = rows(truth)
  let hit = 0
  for (const r of a) if (t.has(r)) hit++
  return {
    precision: a.size ? hit / a.size : 1,
    recall: t.size ? hit / t.size : 1,
    missing: [...t].filter((r) => !a.has(r)),
    extra: [...a].filter((r) => !t.has(r)),
  }
}
