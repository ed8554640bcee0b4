export {sniffDump, readJsonDump, type ReadOptions, type ReadProgress, type DumpKind} from './read-dump.js'
export {RecordSplitter} from './splitter.js'
export {toSocket, toSockets, nodeToRecord, edgeToRecord, flowToRecord, elementToRecord, ShapeError} from './records.js'
export {readCapture, CAPTURE_FORMAT, CAPTURE_VERSION, MANIFEST_FILE, type CaptureManifest, type CaptureSnapshot, type CaptureResponse, type CaptureContents, type RecordCounts, type ResponseRole} from './capture.js'
