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
    /// counter array reused across items: O(Σ over users of basket size²) time and O(items +
    /// purchases) memory, never an items × items matrix.
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
            var candidates: [ItemNeighbour] = []
            candidates.reserveCapacity(touched.count)
            let ni = Double(buyers[i].count)
            for j in touched {
                if counts[j] >= minimumCoPurchases {
                    let similarity = Double(counts[j]) / (ni * Double(buyers[j].count)).squareRoot()
                    candidates.append(ItemNeighbour(item: items[j], similarity: similarity))
                }
                counts[j] = 0
            }
            touched.removeAll(keepingCapacity: true)
            candidates.sort { $0.similarity > $1.similarity || ($0.similarity == $1.similarity && $0.item < $1.item) }
            if !candidates.isEmpty { result[items[i]] = Array(candidates.prefix(neighbourCount)) }
        }
        return ItemSimilarityModel(neighbours: result)
    }
}
