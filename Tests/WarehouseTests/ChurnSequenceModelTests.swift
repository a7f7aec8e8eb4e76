import Foundation
import Learning
import Testing
@testable import Warehouse

/// `train churn --model sequence`: a churn version like the others, stored, scored, compared
/// and promoted through the same paths, and the same given its seed.
@Suite struct ChurnSequenceModelTests {
    private let asOf = CalendarDate.instant("2011-05-01")!
    private let horizon: Int64 = 90 * 86_400
    /// Small and short, to keep the suite quick: six 30-day months, four hidden units, two epochs.
    private let shape = ChurnSequenceShape(period: .month, periods: 6)

    private func options(seed: UInt64 = 7, epochs: Int = 2, learningRate: Double = 0.01) -> ChurnTrainingOptions {
        ChurnTrainingOptions(asOf: asOf, horizonSeconds: horizon, model: .sequence,
                             sequence: GRUSequenceOptions(hiddenSize: 4, learningRate: learningRate, maximumEpochs: epochs, seed: seed),
                             sequenceShape: shape)
    }

    @Test("train, store, load and score: the stored model gives the in-memory model's probabilities and metrics")
    func roundTrip() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch, users: 1_500)
        _ = try warehouse.storeChurn(try warehouse.trainChurn(ChurnTrainingOptions(asOf: asOf, horizonSeconds: horizon)), promote: true)
        let training = try warehouse.trainChurn(options())
        guard case .sequence(let trained) = training.model else { Issue.record("not a sequence model"); return }
        let stored = try warehouse.storeChurn(training, promote: false)
        #expect(stored.snapshot.version == 2 && stored.snapshot.kind == "gru_sequence")
        #expect(stored.snapshot.hyperparameters["sequence_period"] == .string("month"))
        #expect(stored.snapshot.hyperparameters["periods"] == .integer(6))
        #expect(stored.snapshot.hyperparameters["hidden_size"] == .integer(4))
        #expect(stored.snapshot.hyperparameters["features"] == .array(ChurnSequencePeriod.inputNames.map(JSONValue.string)))
        #expect(stored.snapshot.metrics["epochs"] == .integer(2))

        // The weights, the input scaling and the shape come back bit for bit.
        let (loaded, _) = try warehouse.churnModel(try warehouse.snapshot("churn@2"))
        guard case .sequence(let model) = loaded else { Issue.record("loaded \(loaded.kind)"); return }
        #expect(model == trained)
        #expect(model.classifier.standardizer != nil)

        // Scoring the holdout as-of through the registry gives the in-memory model's probabilities.
        let holdout = try warehouse.churnDataset(asOf: training.evaluationAsOf, horizonSeconds: horizon, vector: .standard)
        let histories = try warehouse.churnSequences(users: holdout.userIDs, asOf: training.evaluationAsOf, shape: shape)
        let expected = Dictionary(uniqueKeysWithValues: zip(holdout.userIDs, trained.classifier.predictProbabilities(histories)))
        let scores = try warehouse.scoreChurn(try warehouse.snapshot("churn@2"), asOf: training.evaluationAsOf)
        #expect(scores.count == holdout.userIDs.count)
        #expect(scores.allSatisfy { expected[$0.userID] == $0.probability })
        #expect(ChurnMetrics(probabilities: try warehouse.churnProbabilities(loaded, on: holdout), churned: holdout.churned ?? [])
                == training.metrics)
        #expect(try warehouse.count("SELECT count(*) FROM predictions WHERE snapshot_id = ?", stored.snapshot.id) == scores.count)
        // Only the listed users, when asked.
        let two = Set(holdout.userIDs.prefix(2))
        #expect(Set(try warehouse.scoreChurn(try warehouse.snapshot("churn@2"), asOf: training.evaluationAsOf, users: two).map(\.userID)) == two)
        #expect(try warehouse.verifySnapshots().allSatisfy(\.ok))
    }

    @Test("compare lists the sequence version beside the others on the same holdout, and promotion refuses a weaker one")
    func compareAndPromotion() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch, users: 1_500)
        let logistic = try warehouse.trainChurn(ChurnTrainingOptions(asOf: asOf, horizonSeconds: horizon))
        _ = try warehouse.storeChurn(logistic, promote: true)
        // One epoch at a tiny step size: predictions stay near the initial weights' ~0.5.
        let weak = try warehouse.trainChurn(options(epochs: 1, learningRate: 1e-5))
        let stored = try warehouse.storeChurn(weak, promote: true)
        #expect(!stored.promoted)
        #expect(stored.promotionNote?.contains("log loss is not lower") == true)
        #expect(try warehouse.currentAliases(of: "churn")["production"] == 1)

        let rows = try warehouse.compareChurnModels()
        #expect(rows.map(\.model) == ["churn@1", "recency baseline", "churn@2"])
        #expect(rows.map(\.kind) == ["logistic", "recency", "sequence"])
        #expect(Set(rows.map(\.evaluationAsOf)) == [CalendarDate.day(logistic.evaluationAsOf)])
        #expect(rows[2].rows == logistic.metrics.rows)  // the same holdout users
        #expect(rows[2].rocAUC == weak.metrics.rocAUC && rows[2].logLoss == weak.metrics.logLoss)
        #expect(rows[2].trainingSeconds == weak.trainingSeconds && rows[2].scoringSecondsPer100k == weak.scoringSecondsPer100k)
    }

    @Test("a sequence model in production is judged on its own histories when a challenger comes")
    func sequenceIncumbent() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch, users: 1_500)
        let sequence = try warehouse.trainChurn(options(epochs: 3))
        _ = try warehouse.storeChurn(sequence, promote: true)
        let logistic = try warehouse.trainChurn(ChurnTrainingOptions(asOf: asOf, horizonSeconds: horizon))
        let stored = try warehouse.storeChurn(logistic, promote: true)
        // The note quotes the incumbent's holdout measures, recomputed from its stored weights.
        let incumbent = String(format: "production v1 ROC AUC %.4f, log loss %.4f", sequence.metrics.rocAUC ?? 0, sequence.metrics.logLoss)
        #expect(stored.promotionNote?.contains(incumbent) == true, "\(stored.promotionNote ?? "")")
    }

    @Test("the same seed trains the same model to the bit; another seed another")
    func deterministicGivenSeed() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch, users: 800)
        let first = try warehouse.trainChurn(options(seed: 3))
        let again = try warehouse.trainChurn(options(seed: 3))
        let other = try warehouse.trainChurn(options(seed: 4))
        guard case .sequence(let a) = first.model, case .sequence(let b) = again.model, case .sequence(let c) = other.model else {
            Issue.record("not sequence models"); return
        }
        #expect(a == b)
        #expect(first.metrics == again.metrics && first.fingerprint == again.fingerprint)
        #expect(a.classifier.model.parameters != c.classifier.model.parameters)
        #expect(first.fingerprint == other.fingerprint)  // the data do not depend on the seed
    }
}
