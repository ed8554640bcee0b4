import type {Matrix} from '@fm/model'

/** The matrix as versioned JSON (schemaVersion 1). */
export function matrixToJson(m: Matrix): string {
  return JSON.stringify(m, null, 2) + '\n'
}
