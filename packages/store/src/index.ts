export {Store, type CandidateRow, type MatchRow, type MatrixRow} from './store.js'
export {FlowStore, type FlowRow, type FlowEndSocketRow, type FlowHostRow, type FlowListenerRow, type FlowConnection, type FlowMatrixRow} from './flow-store.js'
