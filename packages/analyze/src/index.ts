export {analyze, DEFAULT_STATES, type AnalyzeOptions, type Progress} from './analyze.js'
export {WORKER_MIN_BYTES} from './read-packed.js'
