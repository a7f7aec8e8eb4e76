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
    /// The customers described (`--country`, `--since/--until`; everyone by default).
    public let scope: CustomerScope
    /// The scope as people read it ("of 'France'"), nil for everyone.
    public let scopeText: String?
}

extension SegmentEngine {
    /// Assigns every customer as of `asOf` with `snapshot` (nothing is stored) and describes the
    /// clusters and their overlap with the RFM segments as of the same instant. With a `scope`,
    /// only its customers are described (each assigned as in the whole shop's run, from all her
    /// purchases; shares are of the customers described); a scope is checked as
    /// `customers(in:asOf:)` checks it.
    public func segmentReport(_ snapshot: ModelSnapshot, asOf: Int64, scope: CustomerScope = CustomerScope()) throws -> SegmentReport {
        let users = try customers(in: scope, asOf: asOf)
        let scoring = try assignSegments(snapshot, asOf: asOf)
        let kept = zip(scoring.dataset.customers, scoring.assignments).filter { users?.contains($0.0.userID) ?? true }
        let customers = kept.map(\.0), labels = kept.map(\.1.cluster)
        return SegmentReport(snapshot: snapshot, asOf: asOf,
                             profiles: SegmentProfile.profiles(customers, assignments: labels, clusters: scoring.clusters),
                             overlap: SegmentOverlap(customers, assignments: labels, clusters: scoring.clusters),
                             scope: scope, scopeText: scope.isEveryone ? nil : scope.text(in: try reportingTimeZone()))
    }
}
