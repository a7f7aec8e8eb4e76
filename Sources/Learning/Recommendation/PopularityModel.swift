/// The popularity baseline: recommend the items most users bought, minus those the user has.
public struct PopularityModel: Recommender, Equatable {
    /// Items by number of buyers (the score), most popular first, ties by item id.
    public var ranking: [ScoredItem]

    /// Creates a model from a stored ranking (kept in the given order).
    public init(ranking: [ScoredItem]) {
        self.ranking = ranking
    }

    /// The first `count` items of the ranking that the user has not bought.
    public func recommend(for purchased: Set<Int>, count: Int) -> [ScoredItem] {
        var out: [ScoredItem] = []
        for candidate in ranking where !purchased.contains(candidate.item) {
            if out.count >= count { break }
            out.append(candidate)
        }
        return out
    }

    /// Counts each item's buyers.
    public static func fit(purchases: [Int: Set<Int>]) -> PopularityModel {
        var buyers: [Int: Int] = [:]
        for items in purchases.values {
            for item in items { buyers[item, default: 0] += 1 }
        }
        let scored = buyers.map { ScoredItem(item: $0.key, score: Double($0.value)) }
        return PopularityModel(ranking: rankedFirst(scored, count: scored.count))
    }
}
