/// A neighbour of an item with its similarity.
public struct ItemNeighbour: Sendable, Equatable {
    /// The neighbouring item.
    public var item: Int
    /// Cosine similarity in (0, 1].
    public var similarity: Double

    /// Creates a neighbour entry.
    public init(item: Int, similarity: Double) {
        self.item = item
        self.similarity = similarity
    }
}

/// Item-to-item collaborative filtering on implicit purchases (Linden, Smith & York 2003):
/// cosine similarity between items' buyer sets, top-K neighbours per item, and recommendations
/// scored by summing the similarities of the user's items' neighbours.
public struct ItemSimilarityModel: Recommender, Equatable {
    /// For each item, its most similar items, most similar first (ties by item id).
    public var neighbours: [Int: [ItemNeighbour]]

    /// Creates a model from stored neighbour lists.
    public init(neighbours: [Int: [ItemNeighbour]]) {
        self.neighbours = neighbours
    }

    /// Scores every item that neighbours something in `purchased` by the sum of its similarities
    /// to those items, leaves out purchased items, and returns the best `count`.
    public func recommend(for purchased: Set<Int>, count: Int) -> [ScoredItem] {
        var scores: [Int: Double] = [:]
        // Sorted so that floating-point sums do not depend on set iteration order.
        for item in purchased.sorted() {
            for neighbour in neighbours[item] ?? [] where !purchased.contains(neighbour.item) {
                scores[neighbour.item, default: 0] += neighbour.similarity
            }
        }
        return rankedFirst(scores.map { ScoredItem(item: $0.key, score: $0.value) }, count: count)
    }

    /// Computes cosine similarities |U(i) ∩ U(j)| / √(|U(i)| |U(j)|) from users' purchase sets and
    /// keeps the top `neighbourCount` per item.
    ///
    /// Co-occurrences are counted per item over the item lists of its buyers, with one dense
    /// counter array reused across items, and the top K chosen with a bounded heap:
    /// O(Σ over users of basket size² + nnz · log K) time, where nnz is the number of co-purchased
    /// item pairs, and O(items + purchases) memory, never an items × items matrix.
    ///
    /// - Parameters:
    ///   - purchases: user → purchased items (the user identifiers are not used).
    ///   - neighbourCount: K, neighbours kept per item.
    ///   - minimumCoPurchases: pairs bought together by fewer users are ignored (1 keeps all).
    public static func fit(
        purchases: [Int: Set<Int>], neighbourCount: Int = 50, minimumCoPurchases: Int = 1
    ) -> ItemSimilarityModel {
        precondition(neighbourCount > 0, "neighbourCount must be positive")
        // Dense item indices in ascending id order; baskets as sorted index lists.
        let items = Set(purchases.values.flatMap { $0 }).sorted()
        var index: [Int: Int] = [:]
        for (i, item) in items.enumerated() { index[item] = i }
        let baskets: [[Int]] = purchases.keys.sorted().compactMap { user in
            guard let set = purchases[user], !set.isEmpty else { return nil }
            return set.compactMap { index[$0] }.sorted()
        }
        var buyers = [[Int]](repeating: [], count: items.count)  // item → basket indices
        for (b, basket) in baskets.enumerated() {
            for i in basket { buyers[i].append(b) }
        }
        var counts = [Int](repeating: 0, count: items.count)
        var touched: [Int] = []
        var result: [Int: [ItemNeighbour]] = [:]
        for i in items.indices {
            for b in buyers[i] {
                for j in baskets[b] where j != i {
                    if counts[j] == 0 { touched.append(j) }
                    counts[j] += 1
                }
            }
            var best = TopNeighbours(capacity: neighbourCount)
            let ni = Double(buyers[i].count)
            for j in touched {
                if counts[j] >= minimumCoPurchases {
                    best.offer(ItemNeighbour(item: items[j], similarity: Double(counts[j]) / (ni * Double(buyers[j].count)).squareRoot()))
                }
                counts[j] = 0
            }
            touched.removeAll(keepingCapacity: true)
            let kept = best.sorted()
            if !kept.isEmpty { result[items[i]] = kept }
        }
        return ItemSimilarityModel(neighbours: result)
    }
}

/// The K best neighbours offered so far (higher similarity, then lower item id), kept in a binary
/// min-heap whose root is the worst kept: O(log K) per offer instead of sorting every candidate,
/// which dominated fitting when items have thousands of co-purchased items each.
struct TopNeighbours {
    private let capacity: Int
    private var heap: [ItemNeighbour] = []

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    /// Whether `a` ranks before `b`.
    static func isBetter(_ a: ItemNeighbour, _ b: ItemNeighbour) -> Bool {
        a.similarity > b.similarity || (a.similarity == b.similarity && a.item < b.item)
    }

    /// Keeps `candidate` when fewer than K are kept or it beats the worst kept one.
    mutating func offer(_ candidate: ItemNeighbour) {
        if heap.count < capacity {
            heap.append(candidate)
            siftUp(heap.count - 1)
        } else if Self.isBetter(candidate, heap[0]) {
            heap[0] = candidate
            siftDown(0)
        }
    }

    /// The kept neighbours, best first.
    func sorted() -> [ItemNeighbour] { heap.sorted(by: Self.isBetter) }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.isBetter(heap[parent], heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            var worst = parent
            let left = 2 * parent + 1, right = left + 1
            if left < heap.count && Self.isBetter(heap[worst], heap[left]) { worst = left }
            if right < heap.count && Self.isBetter(heap[worst], heap[right]) { worst = right }
            guard worst != parent else { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
