export {sniffDump, readJsonDump, type ReadOptions, type ReadProgress, type DumpKind} from './read-dump.js'
export {RecordSplitter} from './splitter.js'
export {toSocket, toSockets, nodeToRecord, edgeToRecord, flowToRecord, elementToRecord, ShapeError} from './records.js'
