// Builders shared by the tests of several packages. Nothing here loads vitest (benchmarks and
// child processes import it too); the temporary-file helper is @fm/test-helpers/temp.
export {entry, listening, observation, type SpecObservation} from './matrix-specs.js'
export {graphDump, socket, type TestHost} from './graph-dump.js'
export {syntheticEntries, syntheticHead, syntheticMatrix} from './synthetic-matrix.js'
export {runInSmallHeap, type SmallHeapRun} from './small-heap.js'
