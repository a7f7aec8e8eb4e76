import Foundation
import Learning
import Testing
@testable import Warehouse

/// `train churn --model logistic|gbt`: both kinds are versions of `churn`, score through the same
/// path, and compete for `production` on the same holdout.
@Suite struct ChurnModelKindsTests {
    private let asOf = CalendarDate.instant("2011-05-01")!

    @Test("boosted trees store as the next churn version after a logistic one, and score by their own kind")
    func boostedTreesAreAChurnVersion() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch)
        let logistic = try warehouse.trainChurn(ChurnTrainingOptions(asOf: asOf, horizonSeconds: 90 * 86_400))
        _ = try warehouse.storeChurn(logistic, promote: true)
        let trees = try warehouse.trainChurn(ChurnTrainingOptions(asOf: asOf, horizonSeconds: 90 * 86_400, model: .gbt))
        #expect(trees.iterations >= 1 && trees.iterations <= 100)
        #expect(trees.metrics.rows == logistic.metrics.rows)  // the same holdout users
        let stored = try warehouse.storeChurn(trees, promote: false)
        #expect(stored.snapshot.version == 2)
        #expect(stored.snapshot.kind == GradientBoostedTreesModel.parameterKind)
        #expect(stored.snapshot.hyperparameters["model"] == .string("gbt"))

        // Loading decodes the trees; their scores on the holdout reproduce the stored metrics.
        let (model, vector) = try warehouse.churnModel(try warehouse.snapshot("churn@2"))
        #expect(model.kind == .gbt)
        let holdout = try warehouse.churnDataset(asOf: trees.evaluationAsOf, horizonSeconds: 90 * 86_400, vector: vector)
        let metrics = ChurnMetrics(probabilities: model.predictProbabilities(holdout.features), churned: holdout.churned ?? [])
        #expect(metrics == trees.metrics)
        let scores = try warehouse.scoreChurn(try warehouse.snapshot("churn@2"), asOf: trees.evaluationAsOf)
        #expect(scores.count == holdout.userIDs.count)
        #expect(try warehouse.verifySnapshots().allSatisfy(\.ok))
    }

    @Test("promotion refuses a model that is not better on both ROC AUC and log loss, and says which")
    func promotionNeedsBothMeasures() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch)
        _ = try warehouse.storeChurn(try warehouse.trainChurn(ChurnTrainingOptions(asOf: asOf, horizonSeconds: 90 * 86_400)), promote: true)
        // One shallow tree with a tiny learning rate: probabilities stay near the base rate, so
        // its log loss is worse than the logistic model's.
        let weak = GradientBoostingOptions(maximumIterations: 1, learningRate: 0.01, maximumLeafNodes: 2, validationFraction: nil)
        let training = try warehouse.trainChurn(ChurnTrainingOptions(asOf: asOf, horizonSeconds: 90 * 86_400, model: .gbt, boosting: weak))
        let stored = try warehouse.storeChurn(training, promote: true)
        #expect(!stored.promoted)
        #expect(stored.promotionNote?.contains("log loss is not lower") == true)
        #expect(try warehouse.currentAliases(of: "churn")["production"] == 1)
    }

    @Test("compare lists every churn version with its stored holdout metrics and one recency baseline per holdout as-of")
    func compareListsVersionsAndBaselines() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch)
        let logistic = try warehouse.trainChurn(ChurnTrainingOptions(asOf: asOf, horizonSeconds: 90 * 86_400))
        _ = try warehouse.storeChurn(logistic, promote: true)
        let trees = try warehouse.trainChurn(ChurnTrainingOptions(asOf: asOf, horizonSeconds: 90 * 86_400, model: .gbt,
                                                                 boosting: GradientBoostingOptions(maximumIterations: 10)))
        _ = try warehouse.storeChurn(trees, promote: false)
        let rows = try warehouse.compareChurnModels()
        #expect(rows.map(\.model) == ["churn@1", "recency baseline", "churn@2"])
        #expect(rows.map(\.kind) == ["logistic", "recency", "gbt"])
        #expect(Set(rows.map(\.evaluationAsOf)) == [CalendarDate.day(logistic.evaluationAsOf)])
        #expect(rows[0].rocAUC == logistic.metrics.rocAUC && rows[0].logLoss == logistic.metrics.logLoss)
        #expect(rows[1].rocAUC == logistic.baseline.rocAUC && rows[1].trainingSeconds == nil)
        #expect(rows[2].rocAUC == trees.metrics.rocAUC && rows[2].brier == trees.metrics.brierScore)
        #expect(rows[0].aliases == ["production"] && rows[2].aliases.isEmpty)
        #expect(rows[2].trainingSeconds == trees.trainingSeconds)
        // The calibration error is the user-weighted mean gap between predicted and observed.
        let bins = trees.metrics.calibration
        let expected = bins.reduce(0.0) { $0 + Double($1.count) * abs($1.meanPredicted - $1.observedRate) } / Double(bins.reduce(0) { $0 + $1.count })
        #expect(abs((rows[2].calibrationError ?? -1) - expected) < 1e-12)
    }

    @Test("every other model name still keeps one kind")
    func otherNamesKeepOneKind() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let trees = GradientBoostedTreesModel(baseline: 0, featureCount: 1, trees: [RegressionTree(leafValue: 0.5)])
        let fingerprint = String(repeating: "0", count: 64)
        _ = try warehouse.saveSnapshot(ModelSnapshotDraft(name: "other", parameters: trees.encodeParameters(),
                                                          trainingAsOf: 0, trainingRows: 1, dataFingerprint: fingerprint))
        let logistic = LogisticRegressionModel(standardizer: Standardizer(means: [0], standardDeviations: [1]), intercept: 0, coefficients: [1])
        #expect(throws: (any Error).self) {
            _ = try warehouse.saveSnapshot(ModelSnapshotDraft(name: "other2", parameters: logistic.encodeParameters(),
                                                          trainingAsOf: 0, trainingRows: 1, dataFingerprint: fingerprint))
            _ = try warehouse.saveSnapshot(ModelSnapshotDraft(name: "other2", parameters: BGNBDModel(r: 1, alpha: 1, a: 1, b: 1).encodeParameters(),
                                                          trainingAsOf: 0, trainingRows: 1, dataFingerprint: fingerprint))
        }
    }
}
