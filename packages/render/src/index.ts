export {CSV_HEADER, csvField, matrixToCsv, unmatchedToCsv} from './csv.js'
export {dotId, matrixToDot} from './dot.js'
export {matrixToJson} from './json.js'
export {matrixToTable, printable} from './table.js'
