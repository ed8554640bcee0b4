export {Store, type CandidateRow, type MatchRow, type MatrixRow} from './store.js'
