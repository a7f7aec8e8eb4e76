/// A k-means clustering: k centroids in (optionally standardised) feature space.
public struct KMeansModel: Sendable, Equatable {
    /// The map applied to raw rows before measuring distances, when the model was fitted with
    /// standardisation.
    public var standardizer: Standardizer?
    /// The centroids, one per row, in the (standardised) space distances are measured in.
    public var centroids: FeatureMatrix

    /// Creates a model from stored parameters.
    public init(standardizer: Standardizer?, centroids: FeatureMatrix) {
        if let standardizer {
            precondition(standardizer.dimension == centroids.columns,
                         "standardizer has \(standardizer.dimension) columns, centroids \(centroids.columns)")
        }
        self.standardizer = standardizer
        self.centroids = centroids
    }

    /// Number of clusters.
    public var clusterCount: Int { centroids.rows }

    /// The index of the nearest centroid to a raw row.
    public func assign(_ row: [Double]) -> Int {
        let point = standardizer?.transform(row) ?? row
        precondition(point.count == centroids.columns, "row has \(point.count) features, expected \(centroids.columns)")
        return point.withUnsafeBufferPointer { p in
            centroids.values.withUnsafeBufferPointer { c in
                nearestCentroid(p, 0, c, k: clusterCount, width: centroids.columns).index
            }
        }
    }

    /// The nearest centroid of every raw row.
    public func assign(_ data: FeatureMatrix) -> [Int] {
        let points = standardizer?.transform(data) ?? data
        precondition(points.columns == centroids.columns, "data has \(points.columns) features, expected \(centroids.columns)")
        var out = [Int](repeating: 0, count: points.rows)
        points.values.withUnsafeBufferPointer { x in
            centroids.values.withUnsafeBufferPointer { c in
                for i in 0..<points.rows {
                    out[i] = nearestCentroid(x, i * points.columns, c, k: clusterCount, width: points.columns).index
                }
            }
        }
        return out
    }

    /// The centroids mapped back to the raw feature scale (the same as ``centroids`` without
    /// standardisation): what to show people.
    public var centroidsOnOriginalScale: FeatureMatrix {
        guard let standardizer else { return centroids }
        return FeatureMatrix(rowArrays: (0..<clusterCount).map { standardizer.inverseTransform(centroids.row($0)) },
                             columns: centroids.columns)
    }
}

/// The nearest of `k` centroids (row-major `c`) to the point starting at `x[offset]`, and its
/// squared Euclidean distance. Ties go to the lowest index.
@inline(__always)
func nearestCentroid(
    _ x: UnsafeBufferPointer<Double>, _ offset: Int, _ c: UnsafeBufferPointer<Double>, k: Int, width: Int
) -> (index: Int, distance: Double) {
    var best = 0
    var bestDistance = Double.infinity
    for j in 0..<k {
        var d = 0.0
        let base = j * width
        for l in 0..<width {
            let diff = x[offset + l] - c[base + l]
            d += diff * diff
        }
        if d < bestDistance {
            bestDistance = d
            best = j
        }
    }
    return (best, bestDistance)
}
