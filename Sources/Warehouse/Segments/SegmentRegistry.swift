import Learning

/// What storing a segments training did.
public struct StoredSegmentModel: Sendable {
    public let snapshot: ModelSnapshot
    /// Whether `production` now points at the new version (only when there was none).
    public let promoted: Bool
}

extension SegmentProfile {
    /// The profile as stored in a snapshot's metrics.
    var jsonValue: JSONValue {
        .object([
            JSONMember("cluster", .integer(Int64(cluster))), JSONMember("users", .integer(Int64(users))),
            JSONMember("share", .number(share)), JSONMember("mean_recency_days", .number(meanRecencyDays)),
            JSONMember("mean_frequency", .number(meanFrequency)), JSONMember("mean_monetary", .number(meanMonetary)),
            JSONMember("revenue_micros", .integer(revenueMicros)), JSONMember("revenue_share", revenueShare.map(JSONValue.number) ?? .null),
        ])
    }
}

extension SegmentTraining {
    /// The hyperparameters as stored in the snapshot.
    public var hyperparameters: JSONValue {
        .object([
            JSONMember("columns", .array(columns.names.map(JSONValue.string))),
            JSONMember("features", .array(columns.extraFeatures.map(JSONValue.string))),
            JSONMember("k", .integer(Int64(clusters))), JSONMember("k_chosen_by", .string(chosenBy)),
            JSONMember("k_range", options.clusters == nil
                ? .array([.integer(Int64(options.clusterRange.lowerBound)), .integer(Int64(options.clusterRange.upperBound))]) : .null),
            JSONMember("restarts", .integer(Int64(options.restarts))), JSONMember("seed", .integer(Int64(bitPattern: options.seed))),
            JSONMember("standardized", .bool(true)), currencyMember(currency),
        ])
    }

    /// The metrics as stored in the snapshot.
    public var metrics: JSONValue {
        .object([
            JSONMember("rows", .integer(Int64(rows))), JSONMember("inertia", .number(inertia)),
            JSONMember("silhouette", silhouette.map(JSONValue.number) ?? .null),
            JSONMember("silhouettes", .array(silhouettes.map {
                .object([JSONMember("k", .integer(Int64($0.clusters))), JSONMember("silhouette", $0.silhouette.map(JSONValue.number) ?? .null)])
            })),
            JSONMember("converged", .bool(converged)), JSONMember("iterations", .integer(Int64(iterations))),
            JSONMember("cluster_sizes", .array(profiles.map { .integer(Int64($0.users)) })),
            JSONMember("profiles", .array(profiles.map(\.jsonValue))),
        ])
    }
}

extension Warehouse {
    /// Model name under which segmentations are stored, on either engine.
    public static let segmentsModelName = "segments"
}

extension SegmentEngine {
    /// Stores a segments training as the next `segments` version. With `promote`, `production`
    /// moves to it only when there is no production segmentation yet: a clustering has no
    /// holdout metric on which a new version could beat the old one.
    public func storeSegments(_ training: SegmentTraining, promote: Bool) throws -> StoredSegmentModel {
        let firstOrder = try firstOrderInstant() ?? training.options.asOf
        let snapshot = try saveSnapshot(ModelSnapshotDraft(
            name: Warehouse.segmentsModelName, parameters: training.model.encodeParameters(),
            hyperparameters: training.hyperparameters, trainingAsOf: training.options.asOf,
            trainingWindow: min(firstOrder, training.options.asOf)...training.options.asOf,
            trainingRows: training.rows, dataFingerprint: training.fingerprint, metrics: training.metrics), createdAt: RegistryClock.now())
        guard promote, try currentAliases(of: Warehouse.segmentsModelName)[ModelNaming.production] == nil else {
            return StoredSegmentModel(snapshot: snapshot, promoted: false)
        }
        try promoteToProduction(name: Warehouse.segmentsModelName, version: snapshot.version, reason: "first segments model")
        return StoredSegmentModel(snapshot: snapshot, promoted: true)
    }

    /// The model and input columns of a stored segments snapshot (checksum verified).
    public func segmentModel(_ snapshot: ModelSnapshot) throws -> (model: KMeansModel, columns: SegmentColumns) {
        let model = try loadModel(KMeansModel.self, from: snapshot)
        guard case .array(let items)? = snapshot.hyperparameters["features"] else {
            throw SegmentError(description: "\(snapshot.reference) does not list its features; retrain it with `lifecycle train segments`")
        }
        let columns = SegmentColumns(extraFeatures: items.compactMap(\.stringValue))
        guard columns.names.count == model.centroids.columns else {
            throw SegmentError(description: "\(snapshot.reference) has \(model.centroids.columns) centroid columns but lists \(columns.names.count) inputs")
        }
        return (model, columns)
    }
}
