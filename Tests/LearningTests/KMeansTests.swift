import Foundation
import Testing
@testable import Learning

@Suite("k-means and silhouette")
struct KMeansTests {
    static let centres: [[Double]] = [[0, 0], [10, 10], [-10, 10]]

    /// 3 blobs of `perBlob` points, N(centre, 1) in each coordinate; label = blob index.
    static func blobs(perBlob: Int, seed: UInt64) -> (data: FeatureMatrix, labels: [Int]) {
        var rng = Xoshiro256StarStar(seed: seed)
        var rows: [[Double]] = []
        var labels: [Int] = []
        for (label, centre) in centres.enumerated() {
            for _ in 0..<perBlob {
                rows.append(centre.map { $0 + rng.nextStandardNormal() })
                labels.append(label)
            }
        }
        return (FeatureMatrix(rowArrays: rows), labels)
    }

    @Test("recovers three well-separated clusters exactly")
    func recoversBlobs() throws {
        let (data, truth) = Self.blobs(perBlob: 100, seed: 1)
        let fit = try KMeansModel.fit(data, clusters: 3, options: KMeansOptions(seed: 7))
        #expect(fit.converged)
        // Each true blob maps to exactly one cluster and vice versa (blobs are ~10 sds apart).
        var mapping: [Int: Int] = [:]
        for (label, cluster) in zip(truth, fit.assignments) {
            if let known = mapping[label] { #expect(known == cluster) } else { mapping[label] = cluster }
        }
        #expect(Set(mapping.values).count == 3)
        // Centroids on the original scale are the blob means: within 0.4 of the true centres
        // (standard error of a mean of 100 N(0,1) points is 0.1).
        let centroids = fit.model.centroidsOnOriginalScale
        for (label, cluster) in mapping {
            for l in 0..<2 { #expect(abs(centroids[cluster, l] - Self.centres[label][l]) < 0.4) }
        }
        // New points are assigned to the cluster of their blob.
        #expect(fit.model.assign([9.5, 10.5]) == mapping[1])
        #expect(fit.model.assign(data) == fit.assignments)
    }

    @Test("the same seed gives the same model; the inertia does not depend on the seed here")
    func deterministic() throws {
        let (data, _) = Self.blobs(perBlob: 60, seed: 2)
        let first = try KMeansModel.fit(data, clusters: 3, options: KMeansOptions(seed: 123))
        let second = try KMeansModel.fit(data, clusters: 3, options: KMeansOptions(seed: 123))
        #expect(first == second)
        let other = try KMeansModel.fit(data, clusters: 3, options: KMeansOptions(seed: 999))
        // Well separated: every seed finds the same partition (up to label order).
        #expect(abs(other.inertia - first.inertia) < 1e-9 * first.inertia)
    }

    @Test("silhouette of [0, 1] vs [10, 11] is (9.5/10.5 + 8.5/9.5)/2")
    func silhouetteByHand() throws {
        // a = 1 for every point; b = 10.5 for the outer points, 9.5 for the inner ones.
        let data = FeatureMatrix(rowArrays: [[0], [1], [10], [11]])
        let score = try #require(Silhouette.score(data, assignments: [0, 0, 1, 1]))
        #expect(abs(score - (9.5 / 10.5 + 8.5 / 9.5) / 2) < 1e-12)
        // [0] alone (a singleton contributes 0) and [1, 10, 11]: a(1) = 9.5, b(1) = 1;
        // a(10) = 5, b(10) = 10 → 0.5; a(11) = 5.5, b(11) = 11 → 0.5.
        let uneven = try #require(Silhouette.score(data, assignments: [0, 1, 1, 1]))
        #expect(abs(uneven - (0 + (1 - 9.5) / 9.5 + 0.5 + 0.5) / 4) < 1e-12)
        #expect(Silhouette.score(data, assignments: [0, 0, 0, 0]) == nil)
    }

    @Test("the sampled silhouette is reproducible and close to the exact one")
    func sampledSilhouette() throws {
        let (data, labels) = Self.blobs(perBlob: 400, seed: 3)
        let exact = try #require(Silhouette.score(data, assignments: labels, sampleSize: 5000))
        let sampled = try #require(Silhouette.score(data, assignments: labels, sampleSize: 300, seed: 5))
        #expect(Silhouette.score(data, assignments: labels, sampleSize: 300, seed: 5) == sampled)
        // Silhouettes of these blobs vary by ~0.05 between points; a 300-point mean is within
        // 0.03 of the full mean with a wide margin.
        #expect(abs(sampled - exact) < 0.03)
    }

    @Test("choosing k by silhouette over 2...6 picks 3 for three blobs")
    func choosesThree() throws {
        let (data, _) = Self.blobs(perBlob: 80, seed: 4)
        let choice = try Silhouette.chooseClusterCount(data, range: 2...6, options: KMeansOptions(seed: 1))
        #expect(choice.best.clusters == 3)
        #expect(choice.candidates.map(\.clusters) == [2, 3, 4, 5, 6])
        // Inertia never increases with k for well-run k-means on this data.
        let inertias = choice.candidates.map(\.inertia)
        #expect(zip(inertias, inertias.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test("stopping at the iteration limit still returns assignments and inertia of the returned centroids")
    func iterationLimit() throws {
        var rng = Xoshiro256StarStar(seed: 6)
        // Overlapping data needs many Lloyd iterations with tolerance 0.
        let data = FeatureMatrix(rows: 500, columns: 2, values: (0..<1000).map { _ in rng.nextStandardNormal() })
        let fit = try KMeansModel.fit(data, clusters: 5, options: KMeansOptions(restarts: 1, maximumIterations: 1, tolerance: 0))
        #expect(!fit.converged)
        #expect(fit.iterations == 1)
        #expect(fit.model.assign(data) == fit.assignments)
        let points = fit.model.standardizer?.transform(data) ?? data
        var inertia = 0.0
        for i in 0..<points.rows {
            for l in 0..<2 {
                let d = points[i, l] - fit.model.centroids[fit.assignments[i], l]
                inertia += d * d
            }
        }
        // Same sum in another order: 1e-9 relative.
        #expect(abs(inertia - fit.inertia) < 1e-9 * inertia)
    }

    @Test("fewer rows than clusters is an error")
    func tooFewRows() {
        #expect(throws: LearningError.self) {
            try KMeansModel.fit(FeatureMatrix(rowArrays: [[1], [2]]), clusters: 3)
        }
    }
}
