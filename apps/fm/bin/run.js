#!/usr/bin/env node
import {setFlagsFromString} from 'node:v8'
import {execute} from '@oclif/core'
import {guardStdout} from '../dist/lib/stdout.js'

// fm streams large inputs through a small live heap. On a machine with GBs of memory V8 lets
// garbage grow the heap to up to 4× what is live before a full collection, and the pages it
// grew into stay in RSS: at 135k hosts, hundreds of MB (check --policy peaked at 886 MB with
// 50–200 MB live). Growing it by at most a quarter bounds the peak, at no CPU cost we could
// measure; see BENCHMARKS.md, "V8's heap growth". A `node --heap-growing-percent=N` wins.
if (!process.execArgv.some((a) => a.includes('heap-growing-percent'))) setFlagsFromString('--heap-growing-percent=25')

// stdout drains before fm exits, and a failed write to it ends as one line and an exit code
guardStdout()
await execute({dir: import.meta.url})
