import Foundation
import Testing
@testable import Learning

/// Timings printed, never asserted. Run in release mode:
/// `LEARNING_BENCHMARKS=1 swift test -c release --filter LearningTests.BenchmarkTests`
@Suite("Benchmarks", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["LEARNING_BENCHMARKS"] == "1",
                "benchmarks: set LEARNING_BENCHMARKS=1 (and use -c release) to run"))
struct BenchmarkTests {
    let clock = ContinuousClock()

    @Test("logistic regression: fit and score 180,000 rows × 25 features")
    func logisticRegression() throws {
        let p = 25
        var rng = Xoshiro256StarStar(seed: 1)
        let coefficients = (0..<p).map { _ in rng.nextStandardNormal() * 0.3 }
        let data = simulateLogistic(rows: 180_000, intercept: -2, coefficients: coefficients,
                                    means: [Double](repeating: 1, count: p), sds: [Double](repeating: 2, count: p), seed: 2)
        var fit: LogisticRegressionFit?
        let elapsed = try clock.measure { fit = try LogisticRegressionModel.fit(data.features, labels: data.labels) }
        let predict = clock.measure { _ = fit?.model.predictProbabilities(data.features) }
        print("benchmark logistic regression 180000 x 25: fit \(elapsed) (\(fit?.iterations ?? -1) Newton iterations), "
              + "batch predict \(predict)")
    }

    @Test("BG/NBD: fit 200,000 simulated customers, then predict for all")
    func bgnbd() throws {
        var rng = Xoshiro256StarStar(seed: 3)
        let truth = BGNBDModel(r: 0.5, alpha: 6, a: 0.7, b: 2.8)
        let histories = (0..<200_000).map { _ in truth.sampleHistory(age: 52 * rng.nextOpenUnitInterval(), using: &rng) }
        var fit: BGNBDFit?
        let elapsed = try clock.measure { fit = try BGNBDModel.fit(histories) }
        var total = 0.0
        let predict = clock.measure {
            guard let model = fit?.model else { return }
            for h in histories { total += model.expectedPurchases(in: 52, given: h) + model.probabilityAlive(given: h) }
        }
        print("benchmark BG/NBD 200000 customers: fit \(elapsed) (\(fit?.optimization.iterations ?? -1) iterations, "
              + "\(fit?.optimization.evaluations ?? -1) evaluations), E[Y(52)] + P(alive) for all \(predict) (checksum \(total))")
    }

    @Test("k-means: 100,000 × 6, k = 8, 4 restarts; silhouette on a 3,000-row sample")
    func kMeans() throws {
        var rng = Xoshiro256StarStar(seed: 4)
        let values = (0..<(100_000 * 6)).map { _ in rng.nextStandardNormal() + Double(rng.nextIndex(below: 8)) * 3 }
        let data = FeatureMatrix(rows: 100_000, columns: 6, values: values)
        var fit: KMeansFit?
        let elapsed = try clock.measure { fit = try KMeansModel.fit(data, clusters: 8, options: KMeansOptions(seed: 1)) }
        let silhouette = clock.measure {
            _ = Silhouette.score(data, assignments: fit?.assignments ?? [], sampleSize: 3000)
        }
        print("benchmark k-means 100000 x 6, k 8: fit \(elapsed) (\(fit?.iterations ?? -1) iterations of the best start), "
              + "silhouette (3000 sample) \(silhouette)")
    }

    @Test("item similarity: 50,000 users, 5,000 items, ~10 items each")
    func itemSimilarity() {
        var rng = Xoshiro256StarStar(seed: 5)
        var purchases: [Int: Set<Int>] = [:]
        for user in 0..<50_000 {
            // Skewed popularity: item = ⌊5000 · u²⌋.
            purchases[user] = Set((0..<(1 + rng.nextIndex(below: 19))).map { _ in
                let u = rng.nextUnitInterval()
                return Int(5000 * u * u)
            })
        }
        var model: ItemSimilarityModel?
        let elapsed = clock.measure { model = ItemSimilarityModel.fit(purchases: purchases, neighbourCount: 50) }
        let recommend = clock.measure {
            guard let model else { return }
            for user in 0..<10_000 { _ = model.recommend(for: purchases[user] ?? [], count: 10) }
        }
        let pairs = purchases.values.reduce(0) { $0 + $1.count * $1.count }
        print("benchmark item similarity 50000 users x 5000 items (\(pairs) basket pairs): fit \(elapsed), "
              + "top-10 for 10000 users \(recommend)")
    }

    @Test("GRU sequence model: 20,000 sequences × 24 periods × 8 inputs, h = 16, 5 epochs")
    func gruSequence() throws {
        let count = 20_000, periods = 24, features = 8
        var rng = Xoshiro256StarStar(seed: 6)
        let values = (0..<(count * periods * features)).map { _ in rng.nextStandardNormal() }
        let labels = (0..<count).map { i in values[(i * periods + periods - 1) * features] + rng.nextStandardNormal() > 0 }
        let sequences = SequenceTensor(count: count, periods: periods, features: features, values: values)
        let options = GRUSequenceOptions(hiddenSize: 16, batchSize: 64, maximumEpochs: 5, validationFraction: 0.1, patience: 5, seed: 1)
        var fit: GRUSequenceFit?
        let elapsed = try clock.measure { fit = try GRUSequenceModel.fit(sequences, labels: labels, options: options) }
        let predict = clock.measure { _ = fit?.model.predictProbabilities(sequences) }
        print("benchmark GRU sequence 20000 x 24 x 8, h 16: fit \(elapsed) for \(fit?.trainingLoss.count ?? -1) epochs "
              + "(validation loss \(fit?.validationLoss.last ?? -1)), predict all \(predict)")
    }
}
