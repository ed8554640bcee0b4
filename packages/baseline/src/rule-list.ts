import {exactKey, firstMatch, type IndexedRule} from './first-matching-rule.js'
import type {MatrixEntry} from '@fm/model'
import type {Baseline, Level, Rule} from './types.js'

/** The list numbers a RuleStore is given. */
export const IGNORE_LIST = 0
export const ALLOW_LIST = 1

/**
 * Where a baseline's allow and ignore rules are kept: a generated host-level baseline holds one
 * exact rule per host pair (hundreds of thousands), so a checker keeps them in a table on disk
 * (a RuleTable of the CLI) rather than in memory (MemoryRuleStore). Rules are added in index order.
 */
export interface RuleStore {
  /** Adds rule `index` of list `list`; `key` is its exactKey (null: not an exact rule). */
  add(list: number, index: number, key: string | null, rule: Rule): void
  /** The smallest index of an exact rule of `list` under key `a` or `b`; Infinity when none. */
  first(list: number, a: string, b: string): number
  /** The rules of `list`, in index order. */
  rules(list: number): Iterable<Rule>
}

/** A RuleStore in memory: a map of exact keys and the rules themselves. */
export class MemoryRuleStore implements RuleStore {
  private readonly lists: {rules: Rule[]; exact: Map<string, number>}[] = [
    {rules: [], exact: new Map()},
    {rules: [], exact: new Map()},
  ]

  add(list: number, index: number, key: string | null, rule: Rule): void {
    const l = this.lists[list]
    l.rules[index] = rule
    if (key !== null && !l.exact.has(key)) l.exact.set(key, index)
  }

  first(list: number, a: string, b: string): number {
    const {exact} = this.lists[list]
    return Math.min(exact.get(a) ?? Infinity, exact.get(b) ?? Infinity)
  }

  rules(list: number): Iterable<Rule> {
    return this.lists[list].rules
  }
}

/**
 * One list of a baseline (allow or ignore) for first-match lookups: the exact rules in its store,
 * the few others (globs, ranges, addresses) also in memory, in order, to be tried one by one.
 * Example: `const l = new RuleList(store, ALLOW_LIST); l.add(rule); ...; l.first(entry)`
 */
export class RuleList {
  /** How many rules were added. */
  count = 0
  private readonly others: IndexedRule[] = []
  private exact = 0

  constructor(
    private readonly store: RuleStore,
    private readonly list: number,
  ) {}

  add(rule: Rule): void {
    const key = exactKey(rule)
    this.store.add(this.list, this.count, key, rule)
    if (key === null) this.others.push({index: this.count, rule})
    else this.exact++
    this.count++
  }

  /** The index of the first rule matching `e`, -1 when none. */
  first(e: MatrixEntry): number {
    return firstMatch(e, this.others, this.exact > 0 ? (a, b) => this.store.first(this.list, a, b) : () => Infinity)
  }

  /** The rules in order. */
  rules(): Iterable<Rule> {
    return this.store.rules(this.list)
  }
}

/** A baseline whose allow and ignore rules sit in a RuleStore (require rules are few: in memory). */
export interface BaselineRules {
  level: Level
  require: Rule[]
  ignore: RuleList
  allow: RuleList
}

/** The BaselineRules of a parsed baseline, its allow and ignore rules put in `store`. */
export function baselineRules(b: Baseline, store: RuleStore = new MemoryRuleStore()): BaselineRules {
  const ignore = new RuleList(store, IGNORE_LIST)
  const allow = new RuleList(store, ALLOW_LIST)
  for (const r of b.ignore) ignore.add(r)
  for (const r of b.allow) allow.add(r)
  return {level: b.level, require: b.require, ignore, allow}
}
