/// The silhouette score of a clustering (Rousseeuw 1987) and its use to choose k.
public enum Silhouette {
    /// Mean silhouette s(i) = (b − a) / max(a, b) over rows, with a the mean Euclidean distance
    /// to the other rows of the row's cluster and b the smallest mean distance to another
    /// cluster's rows; s(i) = 0 for a row alone in its cluster.
    ///
    /// Exact (O(n²)) when n ≤ `sampleSize`; otherwise computed on `sampleSize` rows drawn without
    /// replacement with a ``Xoshiro256StarStar`` seeded by `seed` (like scikit-learn's
    /// `sample_size`), so it is reproducible. Returns `nil` unless there are 2 to n − 1 clusters
    /// among the rows used.
    public static func score(
        _ data: FeatureMatrix, assignments: [Int], sampleSize: Int = 3000, seed: UInt64 = 0
    ) -> Double? {
        precondition(assignments.count == data.rows, "\(assignments.count) assignments for \(data.rows) rows")
        precondition(sampleSize > 1, "sample size must be at least 2")
        var rows = Array(0..<data.rows)
        if data.rows > sampleSize {
            // Partial Fisher–Yates shuffle: the first sampleSize entries are a uniform sample.
            var generator = Xoshiro256StarStar(seed: seed)
            for i in 0..<sampleSize {
                let j = i + generator.nextIndex(below: data.rows - i)
                rows.swapAt(i, j)
            }
            rows = Array(rows[0..<sampleSize]).sorted()
        }
        // Relabel clusters densely among the rows used.
        var labelIndex: [Int: Int] = [:]
        let labels = rows.map { row -> Int in
            let label = assignments[row]
            if let index = labelIndex[label] { return index }
            let index = labelIndex.count
            labelIndex[label] = index
            return index
        }
        let k = labelIndex.count
        let m = rows.count
        guard k >= 2, k < m else { return nil }
        var sizes = [Int](repeating: 0, count: k)
        for label in labels { sizes[label] += 1 }

        let p = data.columns
        var total = 0.0
        var sums = [Double](repeating: 0, count: k)
        data.values.withUnsafeBufferPointer { x in
            for (position, i) in rows.enumerated() {
                for c in 0..<k { sums[c] = 0 }
                for (otherPosition, j) in rows.enumerated() where otherPosition != position {
                    var d = 0.0
                    for l in 0..<p {
                        let diff = x[i * p + l] - x[j * p + l]
                        d += diff * diff
                    }
                    sums[labels[otherPosition]] += d.squareRoot()
                }
                let own = labels[position]
                guard sizes[own] > 1 else { continue }  // s(i) = 0
                let a = sums[own] / Double(sizes[own] - 1)
                var b = Double.infinity
                for c in 0..<k where c != own { b = min(b, sums[c] / Double(sizes[c])) }
                let denominator = max(a, b)
                if denominator > 0 { total += (b - a) / denominator }
            }
        }
        return total / Double(m)
    }

    /// One candidate k with its fit quality.
    public struct Candidate: Sendable, Equatable {
        /// Number of clusters.
        public var clusters: Int
        /// Within-cluster sum of squares of the best start.
        public var inertia: Double
        /// Mean silhouette in the clustering space (`nil` when undefined).
        public var silhouette: Double?
        /// The fitted clustering.
        public var fit: KMeansFit
    }

    /// Fits k-means for every k in `range` and returns all candidates and the one with the highest
    /// silhouette (ties: the smaller k). Silhouettes are measured in the space the model clusters
    /// in (standardised when `options.standardize`).
    public static func chooseClusterCount(
        _ data: FeatureMatrix, range: ClosedRange<Int>, options: KMeansOptions = KMeansOptions(), sampleSize: Int = 3000
    ) throws(LearningError) -> (best: Candidate, candidates: [Candidate]) {
        guard range.lowerBound >= 2 else {
            throw .invalidInput(model: "k-means", index: nil, reason: "silhouette needs k >= 2, range starts at \(range.lowerBound)")
        }
        var candidates: [Candidate] = []
        for k in range {
            let fit = try KMeansModel.fit(data, clusters: k, options: options)
            let space = fit.model.standardizer?.transform(data) ?? data
            let silhouette = score(space, assignments: fit.assignments, sampleSize: sampleSize, seed: options.seed)
            candidates.append(Candidate(clusters: k, inertia: fit.inertia, silhouette: silhouette, fit: fit))
        }
        var best = candidates[0]
        for candidate in candidates.dropFirst()
        where (candidate.silhouette ?? -.infinity) > (best.silhouette ?? -.infinity) {
            best = candidate
        }
        return (best, candidates)
    }
}
