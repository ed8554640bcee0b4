export {capture, type CaptureOptions, type CaptureProgress, type CaptureResult} from './capture.js'
export {AnalyzerClient, INTERRUPTED_EXIT, type ConnectionOptions, type QueryResult} from './client.js'
export {analyzerEndpoint, DEFAULT_ANALYZER_PORT, type AnalyzerEndpoint} from './endpoint.js'
export {captureQueries, timeContext, parseInterval, type CaptureQuery, type QueryOptions} from './queries.js'
