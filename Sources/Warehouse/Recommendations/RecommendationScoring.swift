import Learning
import SQLiteStore

/// One product recommended to one user.
public struct UserRecommendation: Sendable, Equatable {
    /// `users.id`.
    public let userID: Int64
    /// 1 = best.
    public let rank: Int
    /// `products.id`.
    public let productID: Int64
    /// Sum of the product's cosine similarities to the user's products.
    public let score: Double
}

extension RecommendationEngine {
    /// Recommends the top `count` products to every user with a purchase before `asOf` (from the
    /// purchases before it) with a stored item-to-item snapshot, and stores them in
    /// `recommendations`, replacing that snapshot's earlier run for the same as-of in one
    /// transaction. Users whose products have no neighbours get no rows. With `users`, only those
    /// users are scored and only their rows of the run are replaced. Returns the rows by user
    /// id, then rank.
    @discardableResult
    public func scoreRecommendations(_ snapshot: ModelSnapshot, asOf: Int64, count: Int, users: Set<Int64>? = nil) throws -> [UserRecommendation] {
        precondition(count > 0, "count must be positive")
        let model = try recommendationModel(snapshot)
        let purchases = try purchaseSets(from: nil, before: asOf).byUser
        var rows: [UserRecommendation] = []
        for user in purchases.keys.sorted() where users?.contains(Int64(user)) ?? true {
            let items = model.recommend(for: purchases[user] ?? [], count: count)
            for (offset, item) in items.enumerated() {
                rows.append(UserRecommendation(userID: Int64(user), rank: offset + 1, productID: Int64(item.item), score: item.score))
            }
        }
        try saveRecommendations(snapshot: snapshot, asOf: asOf, rows: rows, only: users)
        return rows
    }
}

extension Warehouse {
    /// Replaces the rows `snapshot` made as of `asOf` (only `only`'s users' when given) with
    /// `rows`, in one transaction.
    public func saveRecommendations(snapshot: ModelSnapshot, asOf: Int64, rows: [UserRecommendation], only: Set<Int64>? = nil) throws {
        try replaceScoringRun("recommendations", columns: ["rank", "product_id", "score"], snapshot: snapshot, asOf: asOf,
                              rows: rows.lazy.map {
                                  ScoringRow(userID: $0.userID, values: [.integer(Int64($0.rank)), .integer($0.productID), .real($0.score)])
                              },
                              only: only, references: "users or products")
    }
}

/// A stored recommendation as people read it.
public struct StoredRecommendation: Sendable, Equatable {
    /// The user's source id.
    public let customer: String
    public let rank: Int
    public let product: ProductLabel
    public let score: Double
}

extension Warehouse {
    /// The rows `snapshot` stored as of `asOf` for its first `users` users by user id (all
    /// without a limit), among `only`'s users when given, by user then rank.
    public func storedRecommendations(snapshot: ModelSnapshot, asOf: Int64, users: Int? = nil, only: Set<Int64>? = nil) throws -> [StoredRecommendation] {
        let listed = only.map { "[" + $0.sorted().map(String.init).joined(separator: ",") + "]" }
        return try db.query("""
            WITH chosen AS (SELECT DISTINCT user_id FROM recommendations WHERE snapshot_id = :snapshot AND as_of = :as_of
                            AND (:only IS NULL OR user_id IN (SELECT value FROM json_each(:only)))
                            ORDER BY user_id LIMIT :users)
            SELECT u.external_id, r.rank, p.id, p.external_id, coalesce(p.name, ''), r.score
            FROM recommendations r JOIN chosen c ON c.user_id = r.user_id JOIN users u ON u.id = r.user_id
            JOIN products p ON p.id = r.product_id
            WHERE r.snapshot_id = :snapshot AND r.as_of = :as_of ORDER BY r.user_id, r.rank
            """, named: [":snapshot": snapshot.id, ":as_of": asOf, ":users": Int64(users ?? -1), ":only": listed]).map {
            StoredRecommendation(customer: $0[0].string ?? "", rank: Int($0[1].int64 ?? 0),
                                 product: ProductLabel(id: $0[2].int64 ?? 0, stockCode: $0[3].string ?? "", description: $0[4].string ?? ""),
                                 score: $0[5].double ?? 0)
        }
    }
}
