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

extension Warehouse {
    /// Recommends the top `count` products to every user with a purchase before `asOf` (from the
    /// purchases before it) with a stored item-to-item snapshot, and stores them in
    /// `recommendations`, replacing that snapshot's earlier run for the same as-of in one
    /// transaction. Users whose products have no neighbours get no rows. Returns the rows by
    /// user id, then rank.
    @discardableResult
    public func scoreRecommendations(_ snapshot: ModelSnapshot, asOf: Int64, count: Int) throws -> [UserRecommendation] {
        precondition(count > 0, "count must be positive")
        let model = try recommendationModel(snapshot)
        let purchases = try purchaseSets(before: asOf).byUser
        var rows: [UserRecommendation] = []
        for user in purchases.keys.sorted() {
            let items = model.recommend(for: purchases[user] ?? [], count: count)
            for (offset, item) in items.enumerated() {
                rows.append(UserRecommendation(userID: Int64(user), rank: offset + 1, productID: Int64(item.item), score: item.score))
            }
        }
        try saveRecommendations(snapshot: snapshot, asOf: asOf, rows: rows)
        return rows
    }

    /// Replaces the rows `snapshot` made as of `asOf` with `rows`, in one transaction.
    func saveRecommendations(snapshot: ModelSnapshot, asOf: Int64, rows: [UserRecommendation]) throws {
        try registryTransaction {
            try db.run("DELETE FROM recommendations WHERE snapshot_id = ? AND as_of = ?", snapshot.id, asOf)
            let insert = try db.cached("INSERT INTO recommendations (snapshot_id, user_id, as_of, rank, product_id, score) VALUES (?, ?, ?, ?, ?, ?)")
            for row in rows {
                guard row.score.isFinite else {
                    throw RegistryError.invalidPredictions(snapshot.reference, "the score of product id \(row.productID) for user id \(row.userID) is \(row.score)")
                }
                try insert.run([snapshot.id, row.userID, asOf, Int64(row.rank), row.productID, row.score])
            }
        }
    }
}
