export {pickServer, type Candidate, type Resolution} from './pick-server.js'
export {aggregateEntries, type MatchedConnection} from './aggregate-entries.js'
