import Learning

/// One customer's cluster and distance to its centroid (Euclidean, standardised space).
public struct SegmentAssignment: Sendable, Equatable {
    public let userID: Int64
    public let cluster: Int
    public let distance: Double
}

/// A model's assignment of every customer as of one instant, with their RFM values.
public struct SegmentScoring: Sendable {
    public let dataset: SegmentDataset
    /// The model's number of clusters.
    public let clusters: Int
    /// In dataset order (by user id); only the listed users' when scored with `users`.
    public let assignments: [SegmentAssignment]
}

extension KMeansModel {
    /// The nearest centroid of every row and the Euclidean distance to it in the clustering space.
    func assignWithDistances(_ data: FeatureMatrix) -> [(cluster: Int, distance: Double)] {
        let points = standardizer?.transform(data) ?? data
        return zip(0..<points.rows, assign(data)).map { row, cluster in
            let point = points.row(row), centre = centroids.row(cluster)
            let squared = zip(point, centre).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            return (cluster, squared.squareRoot())
        }
    }
}

extension SegmentEngine {
    /// Assigns every customer with a purchase before `asOf` to a cluster of `snapshot`, without
    /// storing anything.
    public func assignSegments(_ snapshot: ModelSnapshot, asOf: Int64) throws -> SegmentScoring {
        let (model, columns) = try segmentModel(snapshot)
        let data = try segmentDataset(asOf: asOf, columns: columns, currency: snapshot.currency)
        let assignments = zip(data.customers, model.assignWithDistances(data.features)).map {
            SegmentAssignment(userID: $0.0.userID, cluster: $0.1.cluster, distance: $0.1.distance)
        }
        return SegmentScoring(dataset: data, clusters: model.clusterCount, assignments: assignments)
    }
}

extension SegmentEngine {
    /// Assigns every customer as of `asOf` and records the assignments in
    /// `segment_assignments` under `snapshot` (replacing an earlier run for the same as-of).
    /// With `users`, only those customers' assignments are stored and returned (the dataset
    /// stays whole, so each is assigned as in the whole shop's run); the run's other rows stay.
    public func scoreSegments(_ snapshot: ModelSnapshot, asOf: Int64, users: Set<Int64>? = nil) throws -> SegmentScoring {
        var scoring = try assignSegments(snapshot, asOf: asOf)
        if let users {
            scoring = SegmentScoring(dataset: scoring.dataset, clusters: scoring.clusters,
                                     assignments: scoring.assignments.filter { users.contains($0.userID) })
        }
        try saveSegmentAssignments(snapshot: snapshot, asOf: asOf, scoring.assignments, only: users)
        return scoring
    }
}

extension Warehouse {
    /// Stores one row per user for `snapshot` as of `asOf`, replacing that snapshot's earlier
    /// rows for the same as-of (only those of `only`'s users when given), in one transaction.
    /// Returns the number stored.
    @discardableResult
    public func saveSegmentAssignments(snapshot: ModelSnapshot, asOf: Int64, _ assignments: [SegmentAssignment], only: Set<Int64>? = nil) throws -> Int {
        try replaceScoringRun("segment_assignments", columns: ["cluster", "distance"], snapshot: snapshot, asOf: asOf,
                              rows: assignments.lazy.map {
                                  ScoringRow(userID: $0.userID, values: [.integer(Int64($0.cluster)), .real($0.distance)])
                              }, only: only)
    }
}
