/// Offline evaluation of recommenders against held-out purchases.
public enum RecommendationEvaluation {
    /// Hit rate and recall at N.
    public struct Result: Sendable, Equatable {
        /// Users evaluated: those with at least one held-out item.
        public var users: Int
        /// Share of users with at least one held-out item among their top N.
        public var hitRate: Double
        /// Mean over users of |top N ∩ held out| / |held out|.
        public var recall: Double
    }

    /// Recommends `count` items to every user with held-out items, from the user's training
    /// purchases (none for users missing from `training`), and scores the lists against the
    /// held-out items. Returns zeros when no user has held-out items.
    public static func evaluate(
        _ recommender: some Recommender, training: [Int: Set<Int>], heldOut: [Int: Set<Int>], count: Int
    ) -> Result {
        var users = 0
        var hits = 0
        var recallSum = 0.0
        for user in heldOut.keys.sorted() {
            guard let truth = heldOut[user], !truth.isEmpty else { continue }
            users += 1
            let recommended = recommender.recommend(for: training[user] ?? [], count: count)
            let found = recommended.reduce(0) { $0 + (truth.contains($1.item) ? 1 : 0) }
            if found > 0 { hits += 1 }
            recallSum += Double(found) / Double(truth.count)
        }
        guard users > 0 else { return Result(users: 0, hitRate: 0, recall: 0) }
        return Result(users: users, hitRate: Double(hits) / Double(users), recall: recallSum / Double(users))
    }
}
