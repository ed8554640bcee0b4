// Starts the reading worker from its TypeScript source (only when fm runs from sources, as unit
// tests do): tsx compiles it, and the `fm-source` export condition (given to this thread by
// read-packed.ts) resolves the workspace packages it imports to their sources too.
import {register} from 'tsx/esm/api'

register()
await import('./read-worker.ts')
