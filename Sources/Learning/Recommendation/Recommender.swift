/// An item with a recommendation score.
public struct ScoredItem: Sendable, Equatable {
    /// The item's identifier.
    public var item: Int
    /// Higher is better; the scale depends on the recommender.
    public var score: Double

    /// Creates a scored item.
    public init(item: Int, score: Double) {
        self.item = item
        self.score = score
    }
}

/// Anything that turns a user's purchased items into a ranked list of new items.
public protocol Recommender: Sendable {
    /// At most `count` items the user has not bought, best first.
    func recommend(for purchased: Set<Int>, count: Int) -> [ScoredItem]
}

/// Sorts by score descending, then item ascending, so rankings are deterministic.
func rankedFirst(_ scored: [ScoredItem], count: Int) -> [ScoredItem] {
    let sorted = scored.sorted { $0.score > $1.score || ($0.score == $1.score && $0.item < $1.item) }
    return Array(sorted.prefix(max(count, 0)))
}
