import Learning

/// Settings of one item-to-item training run.
public struct RecommendationTrainingOptions: Sendable {
    /// The final model sees purchases before this instant.
    public var asOf: Int64
    /// The evaluation fits on purchases before asOf − holdout and checks [asOf − holdout, asOf).
    public var holdoutSeconds: Int64
    /// K, neighbours kept per product.
    public var neighbourCount: Int
    /// Product pairs bought together by fewer users are ignored.
    public var minimumCoPurchases: Int
    /// N of hit rate@N and recall@N, and the default list length when scoring.
    public var count: Int

    /// Creates options; the defaults are those of `lifecycle train recommendations`.
    public init(asOf: Int64, holdoutSeconds: Int64 = 90 * 86_400, neighbourCount: Int = 50,
                minimumCoPurchases: Int = 1, count: Int = 10) {
        self.asOf = asOf
        self.holdoutSeconds = holdoutSeconds
        self.neighbourCount = neighbourCount
        self.minimumCoPurchases = minimumCoPurchases
        self.count = count
    }

    /// Where the evaluation splits training from held-out purchases.
    public var evaluationCut: Int64 { asOf - holdoutSeconds }
}

/// A fitted item-to-item model with its temporal-holdout evaluation against popularity.
public struct RecommendationTraining: Sendable {
    public let options: RecommendationTrainingOptions
    /// Fitted on every purchase before `options.asOf`: the model that is stored.
    public let model: ItemSimilarityModel
    /// Wall-clock seconds the final neighbour computation took (not stored: it varies by run).
    public let fitSeconds: Double
    /// Users in the final fit (the snapshot's training rows).
    public let trainingUsers: Int
    /// Distinct (user, product) pairs in the final fit.
    public let trainingPairs: Int
    /// SHA-256 of the final fit's sorted (user, product) pairs.
    public let fingerprint: String
    /// First purchase in the final fit, when there is one.
    public let firstPurchase: Int64?
    /// Item-to-item, fitted before the cut, on the new products users bought after it.
    public let holdout: RecommendationEvaluation.Result
    /// Popularity, fitted on the same window, on the same users.
    public let baseline: RecommendationEvaluation.Result

    /// Hit rate minus the baseline's.
    public var hitRateGain: Double { holdout.hitRate - baseline.hitRate }
    /// Hit rate relative to the baseline's (0.25 = 25% better); nil when the baseline hit nothing.
    public var hitRateRelativeGain: Double? { baseline.hitRate > 0 ? holdout.hitRate / baseline.hitRate - 1 : nil }
    /// Recall minus the baseline's.
    public var recallGain: Double { holdout.recall - baseline.recall }
    /// Recall relative to the baseline's; nil when the baseline recalled nothing.
    public var recallRelativeGain: Double? { baseline.recall > 0 ? holdout.recall / baseline.recall - 1 : nil }
}

/// Why a recommendation model could not be trained.
public struct RecommendationTrainingError: Error, CustomStringConvertible {
    public let description: String
}

extension RecommendationEngine {
    /// Evaluates item-to-item and popularity on a temporal holdout (fit before asOf − holdout,
    /// score the products each user bought for the first time in [asOf − holdout, asOf)), then
    /// refits item-to-item on every purchase before asOf.
    public func trainRecommendations(_ options: RecommendationTrainingOptions) throws -> RecommendationTraining {
        guard options.neighbourCount > 0, options.count > 0, options.minimumCoPurchases > 0 else {
            throw RecommendationTrainingError(description: "neighbours, count and minimum co-purchases must be positive")
        }
        let cut = options.evaluationCut
        // One read of the pairs serves the holdout's fit, what it is checked on, and the final fit.
        let windows = try purchaseWindows(cut: cut, before: options.asOf)
        let before = windows.beforeCut
        let heldOut = before.newItems(in: windows.fromCut)
        guard before.users >= 2, !heldOut.isEmpty else {
            throw RecommendationTrainingError(description: "no user bought before \(CalendarDate.day(cut)) and again, something new, before \(CalendarDate.day(options.asOf)): nothing to evaluate on; use a later --as-of or a shorter --holdout")
        }
        let candidate = ItemSimilarityModel.fit(purchases: before.byUser, neighbourCount: options.neighbourCount,
                                                minimumCoPurchases: options.minimumCoPurchases)
        let popularity = PopularityModel.fit(purchases: before.byUser)
        let all = windows.all
        let clock = ContinuousClock()
        let start = clock.now
        let model = ItemSimilarityModel.fit(purchases: all.byUser, neighbourCount: options.neighbourCount,
                                            minimumCoPurchases: options.minimumCoPurchases)
        let elapsed = clock.now - start
        return RecommendationTraining(
            options: options, model: model,
            fitSeconds: elapsed.seconds,
            trainingUsers: all.users, trainingPairs: all.pairs, fingerprint: all.fingerprint,
            firstPurchase: try firstPurchase(before: options.asOf),
            holdout: RecommendationEvaluation.evaluate(candidate, training: before.byUser, heldOut: heldOut, count: options.count),
            baseline: RecommendationEvaluation.evaluate(popularity, training: before.byUser, heldOut: heldOut, count: options.count))
    }
}
