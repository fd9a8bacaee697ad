/// The heap operations of libstdc++ (`push_heap`, `pop_heap`, `sort_heap`), step for step, over
/// fastText's (log-probability, label) pairs with its comparator (greater score first). Equal
/// scores then come out in the order fastText prints them, which a plain sort would not promise.
struct StdHeap {
    typealias Element = (score: Float, label: Int32)
    var items: [Element] = []

    @inline(__always)
    private static func before(_ a: Element, _ b: Element) -> Bool { a.score > b.score }

    var count: Int { items.count }
    var front: Element { items[0] }

    private mutating func siftUp(hole start: Int, top: Int, value: Element) {
        var hole = start
        var parent = (hole - 1) / 2
        while hole > top && StdHeap.before(items[parent], value) {
            items[hole] = items[parent]
            hole = parent
            parent = (hole - 1) / 2
        }
        items[hole] = value
    }

    private mutating func adjust(hole start: Int, length: Int, value: Element) {
        let top = start
        var hole = start
        var child = start
        while child < (length - 1) / 2 {
            child = 2 * (child + 1)
            if StdHeap.before(items[child], items[child - 1]) { child -= 1 }
            items[hole] = items[child]
            hole = child
        }
        if length & 1 == 0 && child == (length - 2) / 2 {
            child = 2 * (child + 1)
            items[hole] = items[child - 1]
            hole = child - 1
        }
        siftUp(hole: hole, top: top, value: value)
    }

    /// push_back + push_heap.
    mutating func push(_ element: Element) {
        items.append(element)
        siftUp(hole: items.count - 1, top: 0, value: element)
    }

    /// `push`, then `popFront` if that leaves more than `k`: fastText's step for a candidate
    /// label. With k = 1 that keeps the new element unless the kept one scores higher (ties and
    /// NaN included, as the heap moves work out), which is done here without them: one-label
    /// prediction (language ID) takes this step for many leaves of every document.
    mutating func push(_ element: Element, keeping k: Int) {
        if k == 1, items.count == 1 {
            if !(items[0].score > element.score) { items[0] = element }
            return
        }
        push(element)
        if items.count > k { popFront() }
    }

    /// pop_heap + pop_back.
    mutating func popFront() {
        let last = items.count - 1
        if last > 0 {
            let value = items[last]
            items[last] = items[0]
            adjust(hole: 0, length: last, value: value)
        }
        items.removeLast()
    }

    /// sort_heap: best score first.
    mutating func sorted() -> [Element] {
        var last = items.count
        while last > 1 {
            last -= 1
            let value = items[last]
            items[last] = items[0]
            adjust(hole: 0, length: last, value: value)
        }
        return items
    }
}
