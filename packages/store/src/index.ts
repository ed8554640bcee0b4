export {Store, type CandidateRow, type MatchRow, type MatrixRow} from './store.js'
export {FlowStore, type FlowRow, type FlowEndSocketRow, type FlowHostRow, type FlowListenerRow, type FlowConnection, type FlowMatrixRow} from './flow-store.js'
export {Packer, packRecords, StringTable, SOCKET_FIELDS, type PackOptions, type PackedBatch, type PackedRecord} from './packed.js'
export {Spill, type SpillEdge, type SpillNode} from './spill.js'
