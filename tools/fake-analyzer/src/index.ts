export {startFakeAnalyzer, type FakeAnalyzer, type FakeAnalyzerOptions, type Faults, type LoggedRequest} from './server.js'
export {graphFromDump, graphJson, loadGraph, type FakeGraph, type Element, type Flow} from './graph.js'
export {parseGremlin, runGremlin, GremlinError} from './gremlin.js'
export {selfSignedCertificate} from './certificate.js'
