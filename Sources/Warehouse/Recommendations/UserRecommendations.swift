import Learning

/// A product as people know it.
public struct ProductLabel: Sendable, Equatable {
    /// `products.id`.
    public let id: Int64
    /// The source's stock code (`products.external_id`).
    public let stockCode: String
    /// The first description seen, empty when the source gave none.
    public let description: String
}

/// One recommended product with why it was recommended.
public struct ExplainedRecommendation: Sendable, Equatable {
    public let rank: Int
    public let product: ProductLabel
    /// Item-to-item: sum of similarities to the user's products; popularity: number of buyers.
    public let score: Double
    /// The user's products that contributed most, with their similarity, largest first (at most
    /// three; empty for the popularity fallback).
    public let because: [Contribution]

    /// A bought product and its cosine similarity to the recommended one.
    public struct Contribution: Sendable, Equatable {
        public let product: ProductLabel
        public let similarity: Double
    }
}

/// What `lifecycle recommend USER` shows.
public struct UserRecommendationAnswer: Sendable, Equatable {
    /// `users.id`.
    public let userID: Int64
    /// Distinct products the user bought before the as-of.
    public let purchasedProducts: Int
    /// True when the user had no purchases and the list is the most popular products instead.
    public let isPopularityFallback: Bool
    public let items: [ExplainedRecommendation]
}

/// Why recommendations for a user could not be made.
public struct RecommendationError: Error, CustomStringConvertible {
    public let description: String
}

extension RecommendationEngine {
    /// The top `count` products for the user whose source id is `customer`, from their purchases
    /// before `asOf`, each with the bought products that contributed most. A user with no
    /// purchases before `asOf` gets the products most users bought before it (popularity), marked
    /// as such; an unknown customer id is an error. With `since` (rfm's look-back window), only
    /// the orders from it count, for the customer and for the popularity fallback.
    public func recommend(customer: String, snapshot: ModelSnapshot, asOf: Int64, count: Int, since: Int64? = nil) throws -> UserRecommendationAnswer {
        guard let userID = try userID(ofCustomer: customer) else {
            throw RecommendationError(description: "no user '\(customer)' in users (customer ids are as in the source, e.g. `sqlite3 DB 'SELECT external_id FROM users LIMIT 5'`)")
        }
        try Warehouse.checkWindow(since: since, until: nil, asOf: asOf, zone: try reportingTimeZone())
        let model = try recommendationModel(snapshot)
        let purchases = try purchaseSets(from: since, before: asOf).byUser
        let bought = purchases[Int(userID)] ?? []
        guard !bought.isEmpty else {
            let popular = PopularityModel.fit(purchases: purchases).recommend(for: [], count: count)
            let items = try popular.enumerated().map { ExplainedRecommendation(rank: $0.offset + 1, product: try productLabel($0.element.item), score: $0.element.score, because: []) }
            return UserRecommendationAnswer(userID: userID, purchasedProducts: 0, isPopularityFallback: true, items: items)
        }
        let items = try model.recommend(for: bought, count: count).enumerated().map { offset, item in
            ExplainedRecommendation(rank: offset + 1, product: try productLabel(item.item), score: item.score,
                                    because: try contributions(to: item.item, from: bought, model: model))
        }
        return UserRecommendationAnswer(userID: userID, purchasedProducts: bought.count, isPopularityFallback: false, items: items)
    }

    /// The user's products that have `item` among their neighbours, most similar first (ties by id), at most three.
    private func contributions(to item: Int, from bought: Set<Int>, model: ItemSimilarityModel) throws -> [ExplainedRecommendation.Contribution] {
        let found = bought.compactMap { source in
            model.neighbours[source]?.first { $0.item == item }.map { (source: source, similarity: $0.similarity) }
        }
        let best = found.sorted { $0.similarity > $1.similarity || ($0.similarity == $1.similarity && $0.source < $1.source) }.prefix(3)
        return try best.map { ExplainedRecommendation.Contribution(product: try productLabel($0.source), similarity: $0.similarity) }
    }
}

extension Warehouse {
    /// `users.id` of the customer whose source id is `externalID`, nil when there is none.
    public func userID(ofCustomer externalID: String) throws -> Int64? {
        try db.scalar("SELECT id FROM users WHERE external_id = ?", externalID).int64
    }

    /// Stock code and description of a product.
    public func productLabel(_ id: Int) throws -> ProductLabel {
        let row = try db.cached("SELECT external_id, coalesce(name, '') FROM products WHERE id = ?").rows([Int64(id)]).first
        return ProductLabel(id: Int64(id), stockCode: row?[0].string ?? "?", description: row?[1].string ?? "")
    }
}
