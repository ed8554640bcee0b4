/** The `limit` smallest items by `compare` seen so far, in a heap that never holds more. */
export interface BoundedTop<T> {
  push(item: T): void
  /** The kept items, smallest first. */
  sorted(): T[]
  readonly size: number
}

/**
 * Keeps the `limit` smallest items of a stream (a max-heap of the kept ones: a new item replaces
 * the largest when it is smaller), so a top-N table costs N items however long the stream.
 * With a total order the result is the first `limit` of the whole stream sorted.
 * @example const top = boundedTop(2, (a: number, b: number) => a - b); [5, 1, 4, 2].forEach(top.push); top.sorted() // [1, 2]
 */
export function boundedTop<T>(limit: number, compare: (a: T, b: T) => number): BoundedTop<T> {
  const heap: T[] = []
  // the heap's root is its largest item: parent >= children
  const up = (i: number): void => {
    while (i > 0) {
      const p = (i - 1) >> 1
      if (compare(heap[i], heap[p]) <= 0) return
      ;[heap[i], heap[p]] = [heap[p], heap[i]]
      i = p
    }
  }
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let big = i
      if (l < heap.length && compare(heap[l], heap[big]) > 0) big = l
      if (r < heap.length && compare(heap[r], heap[big]) > 0) big = r
      if (big === i) return
      ;[heap[i], heap[big]] = [heap[big], heap[i]]
      i = big
    }
  }
  return {
    push(item: T): void {
      if (limit <= 0) return
      if (heap.length < limit) {
        heap.push(item)
        up(heap.length - 1)
      } else if (compare(item, heap[0]) < 0) {
        heap[0] = item
        down(0)
      }
    },
    sorted: (): T[] => [...heap].sort(compare),
    get size(): number {
      return heap.length
    },
  }
}
