import Learning

/// What storing a recommendation training did.
public struct StoredRecommendationModel: Sendable {
    public let snapshot: ModelSnapshot
    /// Whether `production` now points at the new version.
    public let promoted: Bool
    /// Why it was or was not promoted.
    public let promotionNote: String?
}

extension RecommendationEvaluation.Result {
    /// As stored in a snapshot's metrics.
    var jsonValue: JSONValue {
        .object([JSONMember("users", .integer(Int64(users))), JSONMember("hit_rate", .number(hitRate)),
                 JSONMember("recall", .number(recall))])
    }
}

extension RecommendationTraining {
    /// The snapshot's metrics: both models on the holdout and how far apart they are.
    var metricsJSON: JSONValue {
        var members = [
            JSONMember("holdout", holdout.jsonValue), JSONMember("baseline_popularity", baseline.jsonValue),
            JSONMember("hit_rate_gain", .number(hitRateGain)), JSONMember("recall_gain", .number(recallGain)),
            JSONMember("training_pairs", .integer(Int64(trainingPairs))),
            JSONMember("products_with_neighbours", .integer(Int64(model.neighbours.count))),
        ]
        if let hitRateRelativeGain { members.append(JSONMember("hit_rate_relative_gain", .number(hitRateRelativeGain))) }
        if let recallRelativeGain { members.append(JSONMember("recall_relative_gain", .number(recallRelativeGain))) }
        return .object(members)
    }

    /// The snapshot's hyperparameters.
    var hyperparametersJSON: JSONValue {
        .object([
            JSONMember("neighbours", .integer(Int64(options.neighbourCount))),
            JSONMember("min_co_purchases", .integer(Int64(options.minimumCoPurchases))),
            JSONMember("holdout_days", .integer(options.holdoutSeconds / 86_400)),
            JSONMember("count", .integer(Int64(options.count))),
            JSONMember("evaluation_cut", .string(CalendarDate.day(options.evaluationCut))),
        ])
    }
}

extension Warehouse {
    /// Model name under which item-to-item recommenders are stored, on either engine.
    public static let recommendationModelName = "recommendations"
}

extension RecommendationEngine {
    /// Stores a training as the next `recommendations` version (kind `item_similarity`). With
    /// `promote`, `production` moves to it when there is no production version yet or when its
    /// holdout hit rate is higher than the one stored with the production version.
    public func storeRecommendations(_ training: RecommendationTraining, promote: Bool) throws -> StoredRecommendationModel {
        let asOf = training.options.asOf
        let draft = ModelSnapshotDraft(
            name: Warehouse.recommendationModelName, parameters: try training.model.encodeParameters(),
            hyperparameters: training.hyperparametersJSON, trainingAsOf: asOf,
            trainingWindow: min(training.firstPurchase ?? asOf, asOf)...asOf,
            trainingRows: training.trainingUsers, dataFingerprint: training.fingerprint, metrics: training.metricsJSON)
        let snapshot = try saveSnapshot(draft, createdAt: RegistryClock.now())
        guard promote else { return StoredRecommendationModel(snapshot: snapshot, promoted: false, promotionNote: nil) }
        let name = Warehouse.recommendationModelName
        guard let current = try currentAliases(of: name)[ModelNaming.production] else {
            try promoteToProduction(name: name, version: snapshot.version, reason: "first recommendation model")
            return StoredRecommendationModel(snapshot: snapshot, promoted: true, promotionNote: "no production model before")
        }
        let incumbent = try self.snapshot("\(name)@\(current)", at: nil).metrics["holdout"]?["hit_rate"]?.doubleValue ?? 0
        let note = String(format: "holdout hit rate@%d: v%d %.4f, production v%d %.4f (as stored)",
                          training.options.count, snapshot.version, training.holdout.hitRate, current, incumbent)
        guard training.holdout.hitRate > incumbent else {
            return StoredRecommendationModel(snapshot: snapshot, promoted: false, promotionNote: note)
        }
        try promoteToProduction(name: name, version: snapshot.version, reason: note)
        return StoredRecommendationModel(snapshot: snapshot, promoted: true, promotionNote: note)
    }

    /// The neighbour lists of a stored `item_similarity` snapshot (checksum verified).
    public func recommendationModel(_ snapshot: ModelSnapshot) throws -> ItemSimilarityModel {
        try loadModel(ItemSimilarityModel.self, from: snapshot)
    }

    /// The list length a snapshot was evaluated with (its `count` hyperparameter), default 10.
    public func recommendationCount(_ snapshot: ModelSnapshot) -> Int {
        snapshot.hyperparameters["count"]?.doubleValue.map { Int($0) } ?? 10
    }
}
