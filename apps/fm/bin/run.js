#!/usr/bin/env node
import {execute} from '@oclif/core'
import {guardStdout} from '../dist/lib/stdout.js'

// stdout drains before fm exits, and a failed write to it ends as one line and an exit code
guardStdout()
await execute({dir: import.meta.url})
