/// How clusters and named RFM segments overlap: customers per (cluster, segment).
public struct SegmentOverlap: Sendable, Equatable {
    /// RFM segment names present, in segment-map order.
    public let segments: [String]
    /// `counts[cluster][segment]`: customers in both.
    public let counts: [[Int]]

    /// Cross-tabulates `customers` (with their RFM segments) against their clusters.
    public init(_ customers: [SegmentCustomer], assignments: [Int], clusters: Int) {
        precondition(customers.count == assignments.count, "\(assignments.count) assignments for \(customers.count) customers")
        var positions: [String: Int] = [:]
        for customer in customers { positions[customer.rfmSegment] = customer.rfmSegmentPosition }
        segments = positions.keys.sorted { (positions[$0] ?? 0, $0) < (positions[$1] ?? 0, $1) }
        let column = Dictionary(uniqueKeysWithValues: segments.enumerated().map { ($1, $0) })
        var counts = [[Int]](repeating: [Int](repeating: 0, count: segments.count), count: clusters)
        for (customer, cluster) in zip(customers, assignments) {
            counts[cluster][column[customer.rfmSegment] ?? 0] += 1
        }
        self.counts = counts
    }

    /// Customers per cluster (row sums).
    public var clusterSizes: [Int] { counts.map { $0.reduce(0, +) } }
    /// Customers per RFM segment (column sums).
    public var segmentSizes: [Int] { segments.indices.map { column in counts.reduce(0) { $0 + $1[column] } } }
}

/// `lifecycle segments`: a stored segmentation applied as of one instant: each cluster's size
/// and RFM profile, and its overlap with the named RFM segments.
public struct SegmentReport: Sendable {
    public let snapshot: ModelSnapshot
    public let asOf: Int64
    public let profiles: [SegmentProfile]
    public let overlap: SegmentOverlap
}

extension Warehouse {
    /// Assigns every customer as of `asOf` with `snapshot` (nothing is stored) and describes the
    /// clusters and their overlap with the RFM segments as of the same instant.
    public func segmentReport(_ snapshot: ModelSnapshot, asOf: Int64) throws -> SegmentReport {
        let scoring = try assignSegments(snapshot, asOf: asOf)
        let clusters = scoring.clusters
        let labels = scoring.assignments.map(\.cluster)
        return SegmentReport(snapshot: snapshot, asOf: asOf,
                             profiles: SegmentProfile.profiles(scoring.dataset.customers, assignments: labels, clusters: clusters),
                             overlap: SegmentOverlap(scoring.dataset.customers, assignments: labels, clusters: clusters))
    }
}
