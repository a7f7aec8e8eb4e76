import Foundation
import Learning
import SQLiteStore
@testable import Warehouse

/// Small registry fixtures: drafts with hand-picked values and real models from Learning's fits.
enum RegistryFixtures {
    static let fingerprint = String(repeating: "ab", count: 32)

    /// A logistic regression with the given coefficients (memberwise, no fit).
    static func logistic(_ coefficients: [Double], intercept: Double = -0.5) -> LogisticRegressionModel {
        LogisticRegressionModel(
            standardizer: Standardizer(means: coefficients.map { $0 + 1 }, standardDeviations: coefficients.map { _ in 2 }),
            intercept: intercept, coefficients: coefficients)
    }

    /// A churn-like draft: metrics with a nested baseline and a calibration table.
    static func draft(_ name: String = "churn", coefficients: [Double] = [0.25, -1.5], auc: Double = 0.71,
                      asOf: Int64 = 1_306_886_400, rows: Int = 4338) throws -> ModelSnapshotDraft {
        ModelSnapshotDraft(
            name: name, parameters: logistic(coefficients).encodeParameters(),
            hyperparameters: ["l2_penalty": 1.0, "horizon_days": 90, "features": ["recency", "frequency"]],
            trainingAsOf: asOf, trainingWindow: (asOf - 365 * 86_400)...(asOf - 1), trainingRows: rows,
            dataFingerprint: fingerprint,
            metrics: ["auc": .number(auc), "log_loss": 0.52,
                      "baseline": ["auc": 0.64, "log_loss": 0.58],
                      "calibration": [["bin": 1, "predicted": 0.05, "observed": 0.04, "count": 434],
                                      ["bin": 2, "predicted": 0.15, "observed": 0.17, "count": 434]]])
    }

    /// One fitted (or built) model of every kind in Learning, as parameters.
    static func everyKind() throws -> [ModelParameters] {
        var random = Xoshiro256StarStar(seed: 42)
        let rows = (0..<60).map { _ in [Double.random(in: -2...2, using: &random), Double.random(in: 0...5, using: &random)] }
        let features = FeatureMatrix(rowArrays: rows)
        let labels = rows.map { $0[0] + 0.3 * $0[1] + Double.random(in: -1...1, using: &random) > 0.5 }
        let logistic = try LogisticRegressionModel.fit(features, labels: labels).model
        let kmeans = try KMeansModel.fit(features, clusters: 3).model
        let truth = BGNBDModel(r: 0.24, alpha: 4.4, a: 0.79, b: 2.4)
        let histories = (0..<300).map { _ in truth.sampleHistory(age: 39, using: &random) }
        let bgnbd = try BGNBDModel.fit(histories).model
        let spendTruth = GammaGammaModel(p: 6.25, q: 3.74, gamma: 15.4)
        let spend = (0..<300).map { index in spendTruth.sampleSpend(frequency: 1 + index % 5, using: &random) }
        let gammaGamma = try GammaGammaModel.fit(spend).model
        let purchases: [Int: Set<Int>] = [1: [10, 11, 12], 2: [10, 11], 3: [11, 12, 13], 4: [10, 13], 5: [12]]
        let similarity = ItemSimilarityModel.fit(purchases: purchases, neighbourCount: 2)
        let popularity = PopularityModel.fit(purchases: purchases)
        return [logistic.encodeParameters(), kmeans.encodeParameters(), bgnbd.encodeParameters(),
                gammaGamma.encodeParameters(), try similarity.encodeParameters(), try popularity.encodeParameters()]
    }

    /// Doubles that stress an encoding: signed zeros, subnormals, extremes, NaN payloads,
    /// infinities, and random bit patterns.
    static func awkwardDoubles(count: Int, seed: UInt64) -> [Double] {
        var random = Xoshiro256StarStar(seed: seed)
        var values: [Double] = [0.0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
                                .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e300, -1e-300, .pi, .ulpOfOne,
                                .infinity, -.infinity, .nan, Double(bitPattern: 0x7FF0_0000_0000_0001),
                                Double(bitPattern: 0xFFF8_DEAD_BEEF_0001), Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)]
        while values.count < count { values.append(Double(bitPattern: random.next())) }
        return values
    }

    /// Whether two parameter sets are identical bit for bit, names, shapes and order included.
    static func bitwiseEqual(_ a: ModelParameters, _ b: ModelParameters) -> Bool {
        a.kind == b.kind && a.tensors.count == b.tensors.count && zip(a.tensors, b.tensors).allSatisfy { x, y in
            x.name == y.name && x.shape == y.shape && x.values.count == y.values.count
                && zip(x.values, y.values).allSatisfy { $0.bitPattern == $1.bitPattern }
        }
    }
}

extension Scratch {
    /// Flips one byte of the database file on disk, at the first occurrence of `marker`: the
    /// bit rot that no trigger can stop. The warehouse must be closed (WAL checkpointed).
    func corruptDatabaseFile(_ name: String = "test.db", at marker: [UInt8], offset: Int = 0) throws {
        let url = directory.appendingPathComponent(name)
        var bytes = [UInt8](try Data(contentsOf: url))
        guard let start = RegistryFixtures.firstIndex(of: marker, in: bytes) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        bytes[start + offset] ^= 0x01
        try Data(bytes).write(to: url)
    }
}

extension RegistryFixtures {
    /// Where `needle` first occurs in `haystack`.
    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        outer: for start in 0...(haystack.count - needle.count) {
            for offset in 0..<needle.count where haystack[start + offset] != needle[offset] { continue outer }
            return start
        }
        return nil
    }

    /// The little-endian bytes of a double, to find it in a file.
    static func bytes(of value: Double) -> [UInt8] {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }
    }
}
