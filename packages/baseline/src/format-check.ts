import {edgeLabel} from './group-edges.js'
import {printable} from '@fm/model'
import {mdText, tapText, xmlText, yamlString} from './escape.js'
import {reportParts, type CheckReportParts} from './report-parts.js'
import type {CheckedEdge, CheckReport, RuleResult} from './types.js'

export type CheckFormat = 'text' | 'junit' | 'tap' | 'markdown' | 'json'

export interface FormatCheckOptions {
  /** The baseline's file name, shown in headings. */
  baseline: string
}

/** One test per rule, per unexpected edge and per flaky edge: what JUnit, TAP and the text report list. */
interface Case {
  group: 'allow' | 'require' | 'ignore' | 'unexpected' | 'flaky'
  name: string
  failure: string | null
  skipped: string | null
  detail: string
}

/** The cases, one at a time: unexpected and flaky edges, then require, allow and ignore rules. */
function* cases(r: CheckReportParts): Generator<Case> {
  const rule = (x: RuleResult): Case => ({
    group: x.kind,
    name: `${x.kind} ${x.rule.text} (line ${x.rule.line})`,
    failure: x.ok ? null : (r.messageOf(x.rule) ?? 'failed'),
    skipped: null,
    detail:
      x.kind === 'require'
        ? `${x.matched} edge${x.matched === 1 ? '' : 's'}, seen in ${x.seen} of ${r.snapshots} snapshots`
        : `${x.matched} edge${x.matched === 1 ? '' : 's'} ${x.kind === 'allow' ? 'allowed' : 'ignored'}${x.rule.reason ? ` (${x.rule.reason})` : ''}`,
  })
  const edge = (e: CheckedEdge): Case => ({
    group: e.status === 'flaky' ? 'flaky' : 'unexpected',
    name: `${e.status === 'flaky' ? 'flaky' : 'unexpected'} edge ${edgeLabel(e)}`,
    failure: e.status === 'unexpected' ? (r.messageOf(e) ?? 'unexpected') : null,
    skipped: e.status === 'flaky' ? `seen in ${e.seen} of ${r.snapshots} snapshots, fewer than --min-seen ${r.minSeen}` : null,
    detail: `${e.connections} connection${e.connections === 1 ? '' : 's'}; clients ${e.clientHosts.join(', ')} (${e.clientPaths.join(', ')}); servers ${e.serverHosts.join(', ')} ${e.serverIps.join(', ')} (${e.serverPaths.join(', ')})`,
  })
  for (const e of r.problems()) yield edge(e)
  for (const kind of ['require', 'allow', 'ignore'] as const) for (const x of r.rules(kind)) yield rule(x)
}

/** How many cases there are, and how many fail or are skipped. */
function caseCounts(r: CheckReportParts): {tests: number; failures: number; skipped: number} {
  const c = r.counts
  return {tests: c.unexpected + c.flaky + c.rules, failures: c.unexpected + c.failedRules, skipped: c.flaky}
}

function summary(r: CheckReportParts): string {
  const c = r.counts
  return `${c.allowed} edges allowed, ${c.ignored} ignored, ${c.unexpected} unexpected, ${c.flaky} flaky; ${r.snapshots} snapshot${r.snapshots === 1 ? '' : 's'}, ${r.level} level, --min-seen ${r.minSeen}`
}

/** Renders a check report in one of the CI-friendly formats. */
export function formatCheck(r: CheckReport, format: CheckFormat, opts: FormatCheckOptions): string {
  return join(checkPieces(reportParts(r), format, opts))
}

/**
 * formatCheck a piece at a time (a line, a test case, an edge): what a report read from spills is
 * written with, so no output is held whole. Example: `for (const t of checkPieces(parts, 'junit', opts)) out.write(t)`
 */
export function checkPieces(r: CheckReportParts, format: CheckFormat, opts: FormatCheckOptions): Iterable<string> {
  switch (format) {
    case 'junit':
      return junit(r, opts)
    case 'tap':
      return tap(r)
    case 'markdown':
      return markdown(r, opts)
    case 'json':
      return json(r)
    default:
      return text(r, opts)
  }
}

/** For people: the verdict, then each violation on its own line. */
export function checkToText(r: CheckReport, opts: FormatCheckOptions): string {
  return join(text(reportParts(r), opts))
}

/** JUnit XML: one test case per rule, unexpected edge and flaky edge, everything escaped. */
export function checkToJunit(r: CheckReport, opts: FormatCheckOptions): string {
  return join(junit(reportParts(r), opts))
}

/** TAP version 14: failures carry a YAML diagnostic block; flaky edges are SKIPs. */
export function checkToTap(r: CheckReport): string {
  return join(tap(reportParts(r)))
}

/** Markdown for a pull-request comment: verdict, violations table, rules folded away. */
export function checkToMarkdown(r: CheckReport, opts: FormatCheckOptions): string {
  return join(markdown(reportParts(r), opts))
}

function join(pieces: Iterable<string>): string {
  const all: string[] = []
  for (const p of pieces) all.push(p)
  return all.join('')
}

function* text(r: CheckReportParts, opts: FormatCheckOptions): Generator<string> {
  const n = r.counts.violations
  yield `fm check ${printable(opts.baseline)}: ${r.ok ? 'OK' : `FAILED, ${n} violation${n === 1 ? '' : 's'}`}\n`
  for (const v of r.violations()) yield `  ✗ ${printable(v.message)}\n`
  for (const e of r.problems()) if (e.status === 'flaky') yield `  ~ flaky edge ${printable(edgeLabel(e))}: seen in ${e.seen} of ${r.snapshots} snapshots, fewer than --min-seen ${r.minSeen}\n`
  yield summary(r) + '\n'
}

function* junit(r: CheckReportParts, opts: FormatCheckOptions): Generator<string> {
  const {tests, failures, skipped} = caseCounts(r)
  const a = (s: string | number): string => `"${xmlText(String(s))}"`
  yield [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="fm check" tests=${a(tests)} failures=${a(failures)} errors="0" skipped=${a(skipped)}>`,
    `  <testsuite name=${a(`fm check ${opts.baseline}`)} tests=${a(tests)} failures=${a(failures)} errors="0" skipped=${a(skipped)}>`,
    '    <properties>',
    `      <property name="baseline" value=${a(opts.baseline)}/>`,
    `      <property name="level" value=${a(r.level)}/>`,
    `      <property name="snapshots" value=${a(r.snapshots)}/>`,
    `      <property name="min-seen" value=${a(r.minSeen)}/>`,
    '    </properties>',
    '',
  ].join('\n')
  for (const c of cases(r)) {
    const out = [`    <testcase classname=${a(`fm.check.${c.group}`)} name=${a(c.name)}>`]
    if (c.failure !== null) out.push(`      <failure type=${a(c.group)} message=${a(c.failure)}>${xmlText(`${c.failure}\n${c.detail}`)}</failure>`)
    if (c.skipped !== null) out.push(`      <skipped message=${a(c.skipped)}/>`)
    out.push(`      <system-out>${xmlText(c.detail)}</system-out>`, '    </testcase>', '')
    yield out.join('\n')
  }
  yield '  </testsuite>\n</testsuites>\n'
}

function* tap(r: CheckReportParts): Generator<string> {
  yield `TAP version 14\n1..${caseCounts(r).tests}\n`
  let i = 0
  for (const c of cases(r)) {
    const skip = c.skipped !== null ? ` # SKIP ${tapText(c.skipped)}` : ''
    const out = [`${c.failure !== null ? 'not ok' : 'ok'} ${++i} - ${tapText(c.name)}${skip}`]
    if (c.failure !== null) out.push('  ---', `  message: ${yamlString(c.failure)}`, `  detail: ${yamlString(c.detail)}`, '  ...')
    yield out.join('\n') + '\n'
  }
  yield `# ${tapText(summary(r))}\n`
}

function* markdown(r: CheckReportParts, opts: FormatCheckOptions): Generator<string> {
  const n = r.counts.violations
  yield `### ${r.ok ? '✅' : '❌'} fm check ${mdText(opts.baseline)}: ${r.ok ? 'passed' : `${n} violation${n === 1 ? '' : 's'}`}\n\n${mdText(summary(r))}\n\n`
  if (n) {
    yield '| Violation | Details |\n| --- | --- |\n'
    for (const v of r.violations()) yield `| ${v.kind} | ${mdText(v.message)} |\n`
    yield '\n'
  }
  if (r.counts.flaky) {
    yield '| Flaky edge (not failing) | Seen |\n| --- | --- |\n'
    for (const e of r.problems()) if (e.status === 'flaky') yield `| ${mdText(edgeLabel(e))} | ${e.seen} of ${r.snapshots} |\n`
    yield '\n'
  }
  yield `<details><summary>${r.counts.rules} rules</summary>\n\n| Rule | Line | Result |\n| --- | --- | --- |\n`
  for (const x of r.rules()) yield `| ${x.kind} ${mdText(x.rule.text)} | ${x.rule.line} | ${x.ok ? '' : '**missing** '}${x.matched} edge${x.matched === 1 ? '' : 's'} |\n`
  yield '\n</details>\n'
}

/** JSON.stringify(report, null, 2) and a newline, written an item of each list at a time. */
function* json(r: CheckReportParts): Generator<string> {
  const value = (v: unknown): string => JSON.stringify(v, null, 2).replace(/\n/g, '\n  ')
  yield `{\n  "ok": ${value(r.ok)},\n  "level": ${value(r.level)},\n  "snapshots": ${value(r.snapshots)},\n  "minSeen": ${value(r.minSeen)},\n  "sources": ${value(r.sources)},\n  "edges": `
  yield* jsonList(r.edges())
  yield ',\n  "rules": '
  yield* jsonList(r.rules())
  yield ',\n  "violations": '
  yield* jsonList(r.violations())
  yield '\n}\n'
}

/** A list at the second level of a JSON.stringify(…, null, 2) document, an item at a time. */
function* jsonList(items: Iterable<unknown>): Generator<string> {
  let first = true
  for (const x of items) {
    yield `${first ? '[\n' : ',\n'}    ${JSON.stringify(x, null, 2).replace(/\n/g, '\n    ')}`
    first = false
  }
  yield first ? '[]' : '\n  ]'
}
