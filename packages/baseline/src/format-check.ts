import {edgeLabel} from './group-edges.js'
import {printable} from '@fm/model'
import {mdText, tapText, xmlText, yamlString} from './escape.js'
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

function cases(r: CheckReport): Case[] {
  // each case's message looked up once (a find per edge is quadratic with many unexpected edges)
  const messages = new Map<unknown, string>()
  for (const v of r.violations) {
    const k = v.kind === 'missing' ? v.rule : v.edge
    if (!messages.has(k)) messages.set(k, v.message)
  }
  const rule = (x: RuleResult): Case => ({
    group: x.kind,
    name: `${x.kind} ${x.rule.text} (line ${x.rule.line})`,
    failure: x.ok ? null : (messages.get(x.rule) ?? 'failed'),
    skipped: null,
    detail:
      x.kind === 'require'
        ? `${x.matched} edge${x.matched === 1 ? '' : 's'}, seen in ${x.seen} of ${r.snapshots} snapshots`
        : `${x.matched} edge${x.matched === 1 ? '' : 's'} ${x.kind === 'allow' ? 'allowed' : 'ignored'}${x.rule.reason ? ` (${x.rule.reason})` : ''}`,
  })
  const edge = (e: CheckedEdge): Case => ({
    group: e.status === 'flaky' ? 'flaky' : 'unexpected',
    name: `${e.status === 'flaky' ? 'flaky' : 'unexpected'} edge ${edgeLabel(e)}`,
    failure: e.status === 'unexpected' ? (messages.get(e) ?? 'unexpected') : null,
    skipped: e.status === 'flaky' ? `seen in ${e.seen} of ${r.snapshots} snapshots, fewer than --min-seen ${r.minSeen}` : null,
    detail: `${e.connections} connection${e.connections === 1 ? '' : 's'}; clients ${e.clientHosts.join(', ')} (${e.clientPaths.join(', ')}); servers ${e.serverHosts.join(', ')} ${e.serverIps.join(', ')} (${e.serverPaths.join(', ')})`,
  })
  return [
    ...r.edges.filter((e) => e.status === 'unexpected' || e.status === 'flaky').map(edge),
    ...r.rules.filter((x) => x.kind === 'require').map(rule),
    ...r.rules.filter((x) => x.kind === 'allow').map(rule),
    ...r.rules.filter((x) => x.kind === 'ignore').map(rule),
  ]
}

function summary(r: CheckReport): string {
  const n = (s: CheckedEdge['status']): number => r.edges.filter((e) => e.status === s).length
  return `${n('allowed')} edges allowed, ${n('ignored')} ignored, ${n('unexpected')} unexpected, ${n('flaky')} flaky; ${r.snapshots} snapshot${r.snapshots === 1 ? '' : 's'}, ${r.level} level, --min-seen ${r.minSeen}`
}

/** Renders a check report in one of the CI-friendly formats. */
export function formatCheck(r: CheckReport, format: CheckFormat, opts: FormatCheckOptions): string {
  switch (format) {
    case 'junit':
      return checkToJunit(r, opts)
    case 'tap':
      return checkToTap(r)
    case 'markdown':
      return checkToMarkdown(r, opts)
    case 'json':
      return JSON.stringify(r, null, 2) + '\n'
    default:
      return checkToText(r, opts)
  }
}

/** For people: the verdict, then each violation on its own line. */
export function checkToText(r: CheckReport, opts: FormatCheckOptions): string {
  const lines = [`fm check ${printable(opts.baseline)}: ${r.ok ? 'OK' : `FAILED, ${r.violations.length} violation${r.violations.length === 1 ? '' : 's'}`}`]
  for (const v of r.violations) lines.push(`  ✗ ${printable(v.message)}`)
  for (const e of r.edges) if (e.status === 'flaky') lines.push(`  ~ flaky edge ${printable(edgeLabel(e))}: seen in ${e.seen} of ${r.snapshots} snapshots, fewer than --min-seen ${r.minSeen}`)
  lines.push(summary(r))
  return lines.join('\n') + '\n'
}

/** JUnit XML: one test case per rule, unexpected edge and flaky edge, everything escaped. */
export function checkToJunit(r: CheckReport, opts: FormatCheckOptions): string {
  const list = cases(r)
  const failures = list.filter((c) => c.failure !== null).length
  const skipped = list.filter((c) => c.skipped !== null).length
  const a = (s: string | number): string => `"${xmlText(String(s))}"`
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="fm check" tests=${a(list.length)} failures=${a(failures)} errors="0" skipped=${a(skipped)}>`,
    `  <testsuite name=${a(`fm check ${opts.baseline}`)} tests=${a(list.length)} failures=${a(failures)} errors="0" skipped=${a(skipped)}>`,
    '    <properties>',
    `      <property name="baseline" value=${a(opts.baseline)}/>`,
    `      <property name="level" value=${a(r.level)}/>`,
    `      <property name="snapshots" value=${a(r.snapshots)}/>`,
    `      <property name="min-seen" value=${a(r.minSeen)}/>`,
    '    </properties>',
  ]
  for (const c of list) {
    out.push(`    <testcase classname=${a(`fm.check.${c.group}`)} name=${a(c.name)}>`)
    if (c.failure !== null) out.push(`      <failure type=${a(c.group)} message=${a(c.failure)}>${xmlText(`${c.failure}\n${c.detail}`)}</failure>`)
    if (c.skipped !== null) out.push(`      <skipped message=${a(c.skipped)}/>`)
    out.push(`      <system-out>${xmlText(c.detail)}</system-out>`, '    </testcase>')
  }
  out.push('  </testsuite>', '</testsuites>')
  return out.join('\n') + '\n'
}

/** TAP version 14: failures carry a YAML diagnostic block; flaky edges are SKIPs. */
export function checkToTap(r: CheckReport): string {
  const list = cases(r)
  const out = ['TAP version 14', `1..${list.length}`]
  list.forEach((c, i) => {
    const skip = c.skipped !== null ? ` # SKIP ${tapText(c.skipped)}` : ''
    out.push(`${c.failure !== null ? 'not ok' : 'ok'} ${i + 1} - ${tapText(c.name)}${skip}`)
    if (c.failure !== null) out.push('  ---', `  message: ${yamlString(c.failure)}`, `  detail: ${yamlString(c.detail)}`, '  ...')
  })
  out.push(`# ${tapText(summary(r))}`)
  return out.join('\n') + '\n'
}

/** Markdown for a pull-request comment: verdict, violations table, rules folded away. */
export function checkToMarkdown(r: CheckReport, opts: FormatCheckOptions): string {
  const out = [
    `### ${r.ok ? '✅' : '❌'} fm check ${mdText(opts.baseline)}: ${r.ok ? 'passed' : `${r.violations.length} violation${r.violations.length === 1 ? '' : 's'}`}`,
    '',
    mdText(summary(r)),
    '',
  ]
  if (r.violations.length) {
    out.push('| Violation | Details |', '| --- | --- |')
    for (const v of r.violations) out.push(`| ${v.kind} | ${mdText(v.message)} |`)
    out.push('')
  }
  const flaky = r.edges.filter((e) => e.status === 'flaky')
  if (flaky.length) {
    out.push('| Flaky edge (not failing) | Seen |', '| --- | --- |')
    for (const e of flaky) out.push(`| ${mdText(edgeLabel(e))} | ${e.seen} of ${r.snapshots} |`)
    out.push('')
  }
  out.push(`<details><summary>${r.rules.length} rules</summary>`, '', '| Rule | Line | Result |', '| --- | --- | --- |')
  for (const x of r.rules) out.push(`| ${x.kind} ${mdText(x.rule.text)} | ${x.rule.line} | ${x.ok ? '' : '**missing** '}${x.matched} edge${x.matched === 1 ? '' : 's'} |`)
  out.push('', '</details>')
  return out.join('\n') + '\n'
}
