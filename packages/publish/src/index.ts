export {publish, type PublishOptions, type PublishResult, type PublishProgress} from './publish.js'
export {matrixToGraph, FM_MANAGER, type GraphNode, type GraphEdge, type MatrixGraph} from './graph-elements.js'
export {planPublish, type GraphMessage, type ElementCounts} from './plan-publish.js'
export {uuidV5, FM_NAMESPACE} from './uuid-v5.js'
