import Learning
import SQLiteStore

extension Warehouse {
    /// The columns ``snapshot(from:)`` reads, without the weights blob itself.
    static let snapshotColumns = ModelSnapshot.columns(lengthFunction: "length")

    /// Saves `draft` as the next version of its model name (1 for a new name), in one
    /// transaction, and returns the stored snapshot. The weights are written in the safetensors
    /// layout with their SHA-256, the defining fields with their record checksum
    /// (``SnapshotRecord``); `createdAt` defaults to now. The snapshot records the newest
    /// import its training could see (`trained_through_import`, covered by the record checksum),
    /// so undoing that import or an earlier one is refused while the snapshot depends on it.
    public func saveSnapshot(_ draft: ModelSnapshotDraft, createdAt: Int64 = RegistryClock.now()) throws -> ModelSnapshot {
        let encoded = try EncodedSnapshotDraft(draft)
        let name = draft.name
        let id: Int64 = try registryTransaction {
            if let existing = try db.scalar("SELECT kind FROM model_snapshots WHERE name = ? LIMIT 1", name).string,
               !EncodedSnapshotDraft.kindMayFollow(existing, draft.kind) {
                throw RegistryError.kindMismatch(name, existing: existing, new: draft.kind)
            }
            let version = (try db.scalar("SELECT max(version) FROM model_snapshots WHERE name = ?", name).int64 ?? 0) + 1
            let trainedThroughImport = try db.scalar("SELECT coalesce(max(id), 0) FROM imports").int64 ?? 0
            let recordSHA256 = try encoded.record(version: Int(version), createdAt: createdAt, trainedThroughImport: trainedThroughImport).recordSHA256
            try db.run("""
                INSERT INTO model_snapshots (name, kind, version, created_at, code_version, hyperparameters,
                    training_as_of, training_window_start, training_window_end, training_rows, data_fingerprint,
                    metrics, weights, weights_sha256, weights_format, record_sha256, trained_through_import)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, name, draft.kind, version, createdAt, LifecycleVersion.current, encoded.hyperparametersText,
                draft.trainingAsOf, draft.trainingWindow?.lowerBound, draft.trainingWindow?.upperBound,
                draft.trainingRows, encoded.fingerprint, encoded.metricsText, SQLValue.blob(encoded.weights), encoded.weightsSHA256,
                WeightsFile.format, recordSHA256, trainedThroughImport)
            return db.lastInsertRowID
        }
        return try snapshot(id: id)
    }

    /// The snapshot a reference names: `churn` (production if set, else latest), `churn@3`,
    /// `churn@latest`, `churn@candidate`. With `instant`, an alias (or a bare name) resolves to
    /// the version it pointed at then, and `latest` to the highest version saved by then.
    public func snapshot(_ reference: ModelReference, at instant: Int64? = nil) throws -> ModelSnapshot {
        try resolve(reference, at: instant).snapshot
    }

    /// Parses `text` as a ``ModelReference`` and returns its snapshot.
    public func snapshot(_ text: String, at instant: Int64? = nil) throws -> ModelSnapshot {
        try snapshot(try ModelReference(parsing: text), at: instant)
    }

    /// The snapshot with this id.
    public func snapshot(id: Int64) throws -> ModelSnapshot {
        guard let row = try db.query("SELECT \(Self.snapshotColumns) FROM model_snapshots WHERE id = ?", id).first else {
            throw RegistryError.unknownModel("#\(id)", known: try modelNames())
        }
        return try snapshot(from: row)
    }

    /// Every version of a model, oldest first.
    public func snapshots(named name: String) throws -> [ModelSnapshot] {
        let rows = try db.query("SELECT \(Self.snapshotColumns) FROM model_snapshots WHERE name = ? ORDER BY version", name)
        guard !rows.isEmpty else { throw RegistryError.unknownModel(name, known: try modelNames()) }
        let erased = try snapshotsTrainedOnErasedData()
        return try rows.map {
            var snapshot = try snapshot(from: $0)
            snapshot.trainedOnErasedData = erased.contains(snapshot.id)
            return snapshot
        }
    }

    /// Every model name with its kind, version count and aliases, by name; an alias whose version
    /// is missing is marked (``ModelAlias/versionMissing``).
    public func listModels() throws -> [ModelSummary] {
        var aliases: [String: [ModelAlias]] = [:]
        for row in try db.query("""
            SELECT a.name, a.alias, a.version, s.id IS NULL FROM model_aliases a
            LEFT JOIN model_snapshots s ON s.name = a.name AND s.version = a.version
            ORDER BY a.name, a.alias
            """) {
            aliases[row[0].string ?? "", default: []].append(
                ModelAlias(alias: row[1].string ?? "", version: Int(row[2].int64 ?? 0), versionMissing: row[3].int64 == 1))
        }
        var erased: [String: [Int]] = [:]
        for row in try db.query("""
            SELECT name, version FROM model_snapshots WHERE id IN (SELECT j.value FROM erasures e, json_each(e.trained_snapshots) j)
            ORDER BY name, version
            """) {
            erased[row[0].string ?? "", default: []].append(Int(row[1].int64 ?? 0))
        }
        // The main metric's version: production's when that snapshot exists, else the latest.
        var main: [String: (version: Int, metric: MainMetric?)] = [:]
        for row in try db.query("""
            SELECT s.name, s.version, s.kind, s.metrics FROM model_snapshots s
            WHERE s.version = coalesce(
                (SELECT a.version FROM model_aliases a JOIN model_snapshots p ON p.name = a.name AND p.version = a.version
                 WHERE a.name = s.name AND a.alias = 'production'),
                (SELECT max(version) FROM model_snapshots WHERE name = s.name))
            """) {
            let metrics = try row[3].string.map { try JSONValue.parse($0) } ?? .emptyObject
            main[row[0].string ?? ""] = (Int(row[1].int64 ?? 0), MainMetric(kind: row[2].string ?? "", metrics: metrics))
        }
        return try db.query("""
            SELECT name, kind, version, created_at FROM model_snapshots s
            WHERE version = (SELECT max(version) FROM model_snapshots WHERE name = s.name)
            ORDER BY name
            """).map {
            let name = $0[0].string ?? ""
            return ModelSummary(name: name, kind: $0[1].string ?? "", versions: Int($0[2].int64 ?? 0),
                                latestCreatedAt: $0[3].int64 ?? 0, aliases: aliases[name] ?? [],
                                versionsTrainedOnErasedData: erased[name] ?? [],
                                mainVersion: main[name]?.version, mainMetric: main[name]?.metric)
        }
    }

    /// Every snapshot, by name then version.
    public func allSnapshots() throws -> [ModelSnapshot] {
        try db.query("SELECT \(Self.snapshotColumns) FROM model_snapshots ORDER BY name, version").map(snapshot(from:))
    }

    /// The aliases that point at the snapshot now, sorted.
    public func aliases(pointingAt snapshot: ModelSnapshot) throws -> [String] {
        try db.query("SELECT alias FROM model_aliases WHERE name = ? AND version = ? ORDER BY alias",
                     snapshot.name, snapshot.version).compactMap { $0[0].string }
    }

    /// The weights blob as stored (unverified).
    public func weightsBlob(of snapshot: ModelSnapshot) throws -> [UInt8] {
        guard let row = try db.query("SELECT weights FROM model_snapshots WHERE id = ?", snapshot.id).first else {
            throw RegistryError.missingVersion(snapshot.name, version: snapshot.version, existing: try existingVersions(of: snapshot.name))
        }
        return row[0].bytes ?? []
    }

    /// The snapshot's parameters, after checking its defining fields against the record checksum
    /// (``SnapshotRecord``) and the weights blob against its SHA-256, and decoding it. A mismatch
    /// or a malformed blob is an error naming `name@version` and the check that failed.
    public func loadParameters(_ snapshot: ModelSnapshot) throws -> ModelParameters {
        try checkRecord(of: snapshot)
        guard let row = try db.query("SELECT weights, weights_format, weights_sha256 FROM model_snapshots WHERE id = ?", snapshot.id).first else {
            throw RegistryError.unknownVersion(snapshot.name, version: snapshot.version, latest: 0)
        }
        return try Self.checkedParameters(blob: row[0].bytes ?? [], format: row[1].string ?? "", sha256: row[2].string ?? "",
                                          kind: snapshot.kind, reference: snapshot.reference)
    }

    /// Kinds that may alternate among the versions of one name (churn's learners); any other
    /// name keeps one kind. The trigger `model_snapshots_one_kind` enforces the same rule.
    static let binaryClassifierKinds: Set<String> = [LogisticRegressionModel.parameterKind, GradientBoostedTreesModel.parameterKind,
                                                    GRUSequenceClassifier.parameterKind]

    // MARK: Internals

    /// Checks `snapshot`'s fields against the record checksum stored for its id; a snapshot saved
    /// before record checksums (id below `model_snapshot_record_checks.first_checked_id`) passes
    /// with its weights left to be checked alone.
    func checkRecord(of snapshot: ModelSnapshot) throws {
        guard let row = try db.query("""
            SELECT record_sha256, id >= (SELECT first_checked_id FROM model_snapshot_record_checks)
            FROM model_snapshots WHERE id = ?
            """, snapshot.id).first else {
            throw RegistryError.missingVersion(snapshot.name, version: snapshot.version, existing: try existingVersions(of: snapshot.name))
        }
        guard let stored = row[0].string else {
            // No row in model_snapshot_record_checks (it was emptied) counts as "must be checked".
            if row[1].int64 != 0 { throw RegistryError.recordChecksumMissing(snapshot.reference) }
            return
        }
        try SnapshotRecord.check(snapshot, stored: stored)
    }

    /// The versions of a model that exist, ascending.
    func existingVersions(of name: String) throws -> [Int] {
        try db.query("SELECT version FROM model_snapshots WHERE name = ? ORDER BY version", name).compactMap { $0[0].int64.map { Int($0) } }
    }

    /// Verifies and decodes a weights blob: format, checksum, layout, kind.
    static func checkedParameters(blob: [UInt8], format: String, sha256: String, kind: String, reference: String) throws -> ModelParameters {
        guard format == WeightsFile.format else {
            throw RegistryError.corruptWeights(reference, "the weights format is '\(format)', which this build of lifecycle (\(LifecycleVersion.current)) cannot read")
        }
        let computed = WeightsFile.sha256(blob)
        guard computed == sha256 else { throw RegistryError.checksumMismatch(reference, stored: sha256, computed: computed) }
        let parameters: ModelParameters
        do {
            parameters = try WeightsFile.decode(blob)
        } catch {
            throw RegistryError.corruptWeights(reference, error.message)
        }
        guard parameters.kind == kind else {
            throw RegistryError.corruptWeights(reference, "the weights hold kind '\(parameters.kind)' but the snapshot is '\(kind)'")
        }
        return parameters
    }

    /// The weights header of a snapshot, reading only its first bytes.
    public func weightsHeader(of snapshot: ModelSnapshot) throws -> (kind: String, tensors: [TensorDescription]) {
        let prefix = try db.scalar("SELECT substr(weights, 1, 8) FROM model_snapshots WHERE id = ?", snapshot.id).bytes ?? []
        guard let length = WeightsFile.headerLength(prefix), length <= snapshot.weightsBytes - 8 else {
            throw RegistryError.corruptWeights(snapshot.reference, "the weights header length is unreadable")
        }
        let header = try db.scalar("SELECT substr(weights, 1, ?) FROM model_snapshots WHERE id = ?", 8 + length, snapshot.id).bytes ?? []
        do {
            return try WeightsFile.describe(header: header)
        } catch {
            throw RegistryError.corruptWeights(snapshot.reference, error.message)
        }
    }

    /// Resolves a reference to a snapshot and says how (`production`, `latest`, or nil for a
    /// version), now or as it was at `instant` (`ReferenceLookups`).
    public func resolve(_ reference: ModelReference, at instant: Int64?) throws -> (snapshot: ModelSnapshot, via: String?) {
        try resolveReference(reference, at: instant)
    }

    /// The highest version of `name` created at or before `instant` (nil: of all), nil when none.
    func highestVersion(of name: String, createdBy instant: Int64?) throws -> Int? {
        try db.scalar("SELECT max(version) FROM model_snapshots WHERE name = ? AND created_at <= ?", name, instant ?? Int64.max).int64.map { Int($0) }
    }

    /// The stored snapshot `name@version`, nil when there is no such row.
    func storedSnapshot(name: String, version: Int) throws -> ModelSnapshot? {
        try db.query("SELECT \(Self.snapshotColumns) FROM model_snapshots WHERE name = ? AND version = ?", name, version).first.map(snapshot(from:))
    }

    /// The model names in the registry, sorted.
    func modelNames() throws -> [String] {
        try db.query("SELECT DISTINCT name FROM model_snapshots ORDER BY name").compactMap { $0[0].string }
    }

    /// Builds a snapshot from a row of ``snapshotColumns``.
    func snapshot(from row: Row) throws -> ModelSnapshot {
        try ModelSnapshot.decoded(from: row)
    }
}
