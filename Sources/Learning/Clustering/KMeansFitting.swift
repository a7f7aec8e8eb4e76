/// Settings for ``KMeansModel/fit(_:clusters:options:)``.
public struct KMeansOptions: Sendable {
    /// Standardise columns (training means and standard deviations) before clustering.
    public var standardize: Bool
    /// Independent k-means++ starts; the run with the lowest inertia wins.
    public var restarts: Int
    /// Lloyd iteration limit per start.
    public var maximumIterations: Int
    /// A start has converged when no row changes cluster or when the centroids' total squared
    /// movement in one iteration is at most `tolerance` × the mean column variance of the data
    /// (scikit-learn's rule; its default is also 1e-4). 0 demands stable assignments.
    public var tolerance: Double
    /// Seed of the ``Xoshiro256StarStar`` generator behind seeding; same seed, same result.
    public var seed: UInt64

    /// Creates settings.
    public init(standardize: Bool = true, restarts: Int = 4, maximumIterations: Int = 300, tolerance: Double = 1e-4,
                seed: UInt64 = 0) {
        precondition(restarts > 0, "need at least one start")
        self.standardize = standardize
        self.restarts = restarts
        self.maximumIterations = maximumIterations
        self.tolerance = tolerance
        self.seed = seed
    }
}

/// A fitted k-means clustering with what the fit reported.
public struct KMeansFit: Sendable, Equatable {
    /// The winning model.
    public var model: KMeansModel
    /// Cluster index of every training row.
    public var assignments: [Int]
    /// Sum of squared distances of the rows to their centroids (in the clustering space).
    public var inertia: Double
    /// Lloyd iterations of the winning start.
    public var iterations: Int
    /// Whether the winning start met the convergence rule of ``KMeansOptions/tolerance`` (rather
    /// than stopping at the iteration limit).
    public var converged: Bool
}

extension KMeansModel {
    /// Clusters the rows of `data` into `clusters` groups: k-means++ seeding (Arthur &
    /// Vassilvitskii 2007), then Lloyd iterations until convergence; repeated
    /// `options.restarts` times from different seeds, keeping the lowest inertia.
    ///
    /// An empty cluster is re-seeded with the row farthest from its centroid.
    ///
    /// - Throws: ``LearningError/invalidInput(model:index:reason:)`` when there are fewer rows
    ///   than clusters or a value is not finite.
    public static func fit(_ data: FeatureMatrix, clusters k: Int, options: KMeansOptions = KMeansOptions())
        throws(LearningError) -> KMeansFit
    {
        let name = "k-means"
        guard k >= 1 else { throw .invalidInput(model: name, index: nil, reason: "need at least one cluster, got \(k)") }
        guard data.rows >= k else {
            throw .invalidInput(model: name, index: nil, reason: "\(data.rows) rows cannot form \(k) clusters")
        }
        if let bad = data.values.firstIndex(where: { !$0.isFinite }) {
            throw .invalidInput(model: name, index: bad / max(data.columns, 1), reason: "value \(data.values[bad]) is not finite")
        }
        let standardizer = options.standardize ? Standardizer(fitting: data) : nil
        let points = standardizer?.transform(data) ?? data
        var generator = Xoshiro256StarStar(seed: options.seed)
        let meanVariance: Double = {
            let s = Standardizer(fitting: points)
            return s.standardDeviations.reduce(0) { $0 + $1 * $1 } / Double(max(points.columns, 1))
        }()
        var best: LloydResult?
        for _ in 0..<options.restarts {
            let seeds = plusPlusSeeds(points, k: k, using: &generator)
            let result = lloyd(points, initial: seeds, maximumIterations: options.maximumIterations,
                               shiftTolerance: options.tolerance * meanVariance)
            if best == nil || result.inertia < best?.inertia ?? .infinity { best = result }
        }
        guard let best else { throw .invalidInput(model: name, index: nil, reason: "no restarts") }
        return KMeansFit(model: KMeansModel(standardizer: standardizer, centroids: best.centroids),
                         assignments: best.assignments, inertia: best.inertia, iterations: best.iterations,
                         converged: best.converged)
    }

    /// k-means++: the first centre uniformly, each next one with probability ∝ squared distance to
    /// the nearest centre chosen so far.
    static func plusPlusSeeds(_ points: FeatureMatrix, k: Int, using generator: inout Xoshiro256StarStar) -> FeatureMatrix {
        let n = points.rows
        let p = points.columns
        var centres: [Double] = []
        centres.reserveCapacity(k * p)
        centres.append(contentsOf: points.row(generator.nextIndex(below: n)))
        var distances = [Double](repeating: .infinity, count: n)
        points.values.withUnsafeBufferPointer { x in
            for chosen in 1...k {
                // Update distances with the centre added last.
                let base = (chosen - 1) * p
                var total = 0.0
                for i in 0..<n {
                    var d = 0.0
                    for l in 0..<p {
                        let diff = x[i * p + l] - centres[base + l]
                        d += diff * diff
                    }
                    if d < distances[i] { distances[i] = d }
                    total += distances[i]
                }
                if chosen == k { break }
                var next = generator.nextIndex(below: n)
                if total > 0 {
                    var target = generator.nextUnitInterval() * total
                    for i in 0..<n {
                        target -= distances[i]
                        if target < 0 { next = i; break }
                    }
                }
                centres.append(contentsOf: x[(next * p)..<((next + 1) * p)])
            }
        }
        return FeatureMatrix(rows: k, columns: p, values: centres)
    }

    struct LloydResult {
        var centroids: FeatureMatrix
        var assignments: [Int]
        var inertia: Double
        var iterations: Int
        var converged: Bool
    }

    /// Lloyd's algorithm from `initial` centroids until no assignment changes, the centroids move
    /// by at most `shiftTolerance` (total squared distance), or the iteration limit. The returned
    /// assignments and inertia always describe the returned centroids.
    static func lloyd(_ points: FeatureMatrix, initial: FeatureMatrix, maximumIterations: Int, shiftTolerance: Double)
        -> LloydResult
    {
        let n = points.rows
        let p = points.columns
        let k = initial.rows
        var centroids = initial.values
        var assignments = [Int](repeating: -1, count: n)
        var distances = [Double](repeating: 0, count: n)
        var iterations = 0
        var converged = false
        points.values.withUnsafeBufferPointer { x in
            /// Assigns every row to its nearest centroid; true when any assignment changed.
            func assign() -> Bool {
                var changed = false
                centroids.withUnsafeBufferPointer { c in
                    for i in 0..<n {
                        let (index, distance) = nearestCentroid(x, i * p, c, k: k, width: p)
                        distances[i] = distance
                        if index != assignments[i] {
                            assignments[i] = index
                            changed = true
                        }
                    }
                }
                return changed
            }
            while true {
                if !assign() {
                    converged = true
                    break
                }
                if iterations >= maximumIterations { break }
                iterations += 1
                var sums = [Double](repeating: 0, count: k * p)
                var counts = [Int](repeating: 0, count: k)
                for i in 0..<n {
                    let j = assignments[i]
                    counts[j] += 1
                    for l in 0..<p { sums[j * p + l] += x[i * p + l] }
                }
                var shift = 0.0
                for j in 0..<k {
                    var updated = [Double](repeating: 0, count: p)
                    if counts[j] > 0 {
                        for l in 0..<p { updated[l] = sums[j * p + l] / Double(counts[j]) }
                    } else {
                        // Empty cluster: move it onto the row farthest from its centroid.
                        var farthest = 0
                        for i in 1..<n where distances[i] > distances[farthest] { farthest = i }
                        for l in 0..<p { updated[l] = x[farthest * p + l] }
                        distances[farthest] = 0
                    }
                    for l in 0..<p {
                        let d = updated[l] - centroids[j * p + l]
                        shift += d * d
                        centroids[j * p + l] = updated[l]
                    }
                }
                if shift <= shiftTolerance {
                    converged = true
                    _ = assign()  // make assignments and distances match the final centroids
                    break
                }
            }
        }
        let inertia = distances.reduce(0, +)
        return LloydResult(centroids: FeatureMatrix(rows: k, columns: p, values: centroids), assignments: assignments,
                           inertia: inertia, iterations: iterations, converged: converged)
    }
}
