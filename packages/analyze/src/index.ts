export {analyze, DEFAULT_STATES, type AnalyzeOptions, type Progress} from './analyze.js'
