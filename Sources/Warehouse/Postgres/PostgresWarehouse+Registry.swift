import Learning
import PostgresStore

/// The model registry on PostgreSQL (migrations/postgres/0008): the same snapshots, versions,
/// record and weights checksums and aliases as the SQLite file's (`Warehouse+Snapshots`,
/// `Warehouse+Aliases`), with the rules SQLite's triggers keep written here, since Citus allows no
/// trigger on a reference table: every write takes the registry's advisory lock for its
/// transaction, so versions count 1, 2, 3... without gaps and alias moves form one chain whoever
/// writes at once. A snapshot is never updated or deleted by lifecycle; a change made behind its
/// back fails its record checksum when it is loaded.
extension PostgresWarehouse: ModelRegistry, ReferenceLookups {
    /// The advisory lock of registry writes: "lc-model" in a bigint.
    static let registryLockKey: Int64 = 0x6C63_2D6D_6F64_656C

    private static let snapshotColumns = ModelSnapshot.columns(lengthFunction: "octet_length")

    /// Saves `draft` as the next version of its name (1 for a new name), in one transaction.
    public func saveSnapshot(_ draft: ModelSnapshotDraft, createdAt: Int64 = RegistryClock.now()) throws -> ModelSnapshot {
        let encoded = try EncodedSnapshotDraft(draft)
        let name = draft.name
        let id: Int64 = try db.transaction {
            try lockRegistry()
            if let existing = try db.scalar("SELECT kind FROM model_snapshots WHERE name = $1 LIMIT 1", [.text(name)]).string,
               !EncodedSnapshotDraft.kindMayFollow(existing, draft.kind) {
                throw RegistryError.kindMismatch(name, existing: existing, new: draft.kind)
            }
            let version = (try db.scalar("SELECT max(version) FROM model_snapshots WHERE name = $1", [.text(name)]).int64 ?? 0) + 1
            let trainedThroughImport = try db.scalar("SELECT coalesce(max(id), 0) FROM imports").int64 ?? 0
            let recordSHA256 = try encoded.record(version: Int(version), createdAt: createdAt,
                                                  trainedThroughImport: trainedThroughImport).recordSHA256
            let window = draft.trainingWindow
            return try db.scalar("""
                INSERT INTO model_snapshots (name, kind, version, created_at, code_version, hyperparameters,
                    training_as_of, training_window_start, training_window_end, training_rows, data_fingerprint,
                    metrics, weights, weights_sha256, weights_format, record_sha256, trained_through_import)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
                RETURNING id
                """, [.text(name), .text(draft.kind), .integer(version), .integer(createdAt), .text(LifecycleVersion.current),
                      .text(encoded.hyperparametersText), .integer(draft.trainingAsOf),
                      window.map { .integer($0.lowerBound) } ?? .null, window.map { .integer($0.upperBound) } ?? .null,
                      .integer(Int64(draft.trainingRows)), .text(encoded.fingerprint), .text(encoded.metricsText),
                      .bytes(encoded.weights), .text(encoded.weightsSHA256), .text(WeightsFile.format), .text(recordSHA256),
                      .integer(trainedThroughImport)]).int64 ?? 0
        }
        return try snapshot(id: id)
    }

    /// The snapshot a reference names: `clv` (production if set, else latest), `clv@3`,
    /// `clv@latest`, `clv@candidate`, now or as it was at `instant` (`--at`).
    public func snapshot(_ text: String, at instant: Int64? = nil) throws -> ModelSnapshot {
        try resolve(try ModelReference(parsing: text), at: instant).snapshot
    }

    /// Resolves a reference to a snapshot and says how (`production`, `latest`, another alias,
    /// or nil for a version), now or at `instant`, by the file's rules (`ReferenceLookups`).
    public func resolve(_ reference: ModelReference, at instant: Int64?) throws -> (snapshot: ModelSnapshot, via: String?) {
        try resolveReference(reference, at: instant)
    }

    /// The highest version of `name` created at or before `instant` (nil: of all), nil when none.
    func highestVersion(of name: String, createdBy instant: Int64?) throws -> Int? {
        try db.scalar("SELECT max(version) FROM model_snapshots WHERE name = $1 AND created_at <= $2",
                      [.text(name), .integer(instant ?? Int64.max)]).int64.map { Int($0) }
    }

    /// The version `alias` of `name` pointed at, at `instant`: the target of its last move at or
    /// before then; nil when it was not set (or had been removed).
    func version(of name: String, alias: String, at instant: Int64) throws -> Int? {
        try db.query("""
            SELECT to_version FROM model_alias_moves WHERE name = $1 AND alias = $2 AND moved_at <= $3 ORDER BY id DESC LIMIT 1
            """, [.text(name), .text(alias), .integer(instant)]).first?[0].int64.map { Int($0) }
    }

    /// The stored snapshot `name@version`, nil when there is no such row.
    func storedSnapshot(name: String, version: Int) throws -> ModelSnapshot? {
        try db.query("SELECT \(Self.snapshotColumns) FROM model_snapshots WHERE name = $1 AND version = $2",
                     [.text(name), .integer(Int64(version))]).first.map { try ModelSnapshot.decoded(from: $0) }
    }

    /// Every version of a model, oldest first; an unknown name is an error listing the known ones.
    public func snapshots(named name: String) throws -> [ModelSnapshot] {
        let rows = try db.query("SELECT \(Self.snapshotColumns) FROM model_snapshots WHERE name = $1 ORDER BY version", [.text(name)])
        guard !rows.isEmpty else { throw RegistryError.unknownModel(name, known: try modelNames()) }
        return try rows.map { try ModelSnapshot.decoded(from: $0) }
    }

    /// Every snapshot, by name then version.
    public func allSnapshots() throws -> [ModelSnapshot] {
        try db.query("SELECT \(Self.snapshotColumns) FROM model_snapshots ORDER BY name COLLATE \"C\", version").map { try ModelSnapshot.decoded(from: $0) }
    }

    /// The aliases that point at the snapshot now, sorted.
    public func aliases(pointingAt snapshot: ModelSnapshot) throws -> [String] {
        try db.query("SELECT alias FROM model_aliases WHERE name = $1 AND version = $2 ORDER BY alias COLLATE \"C\"",
                     [.text(snapshot.name), .integer(Int64(snapshot.version))]).compactMap { $0["alias"].string }
    }

    /// The weights header of a snapshot, reading only its first bytes.
    public func weightsHeader(of snapshot: ModelSnapshot) throws -> (kind: String, tensors: [TensorDescription]) {
        let prefix = try weightsBytes(of: snapshot, from: 1, count: 8)
        guard let length = WeightsFile.headerLength(prefix), length <= snapshot.weightsBytes - 8 else {
            throw RegistryError.corruptWeights(snapshot.reference, "the weights header length is unreadable")
        }
        let header = try weightsBytes(of: snapshot, from: 1, count: 8 + length)
        do {
            return try WeightsFile.describe(header: header)
        } catch {
            throw RegistryError.corruptWeights(snapshot.reference, error.message)
        }
    }

    /// The weights blob as stored (unverified).
    public func weightsBlob(of snapshot: ModelSnapshot) throws -> [UInt8] {
        try weightsBytes(of: snapshot, from: 1, count: nil)
    }

    /// Versions missing below a model's highest one, aliases and alias moves naming missing
    /// versions (``RegistryProblemScan``: the file's queries and rule).
    public func registryProblems() throws -> [RegistryProblem] {
        RegistryProblemScan.problems(
            versions: try db.query(RegistryProblemScan.versions).map { ($0[0].string ?? "", Int($0[1].int64 ?? 0)) },
            aliases: try db.query(RegistryProblemScan.aliases).map { ($0[0].string ?? "", $0[1].string ?? "", Int($0[2].int64 ?? 0)) },
            moves: try db.query(RegistryProblemScan.moves).map { ($0[0].string ?? "", $0[1].string ?? "", Int($0[2].int64 ?? 0), $0[3].int64 ?? 0) })
    }

    /// Where each alias of a model points now, by alias.
    public func currentAliases(of name: String) throws -> [String: Int] {
        var aliases: [String: Int] = [:]
        for row in try db.query("SELECT alias, version FROM model_aliases WHERE name = $1", [.text(name)]) {
            aliases[row["alias"].string ?? ""] = Int(row["version"].int64 ?? 0)
        }
        return aliases
    }

    /// The snapshot's parameters, after checking its defining fields against its record checksum
    /// and the weights against their SHA-256 (`Warehouse.loadParameters`'s checks).
    public func loadParameters(_ snapshot: ModelSnapshot) throws -> ModelParameters {
        guard let row = try db.query("SELECT record_sha256, weights, weights_format, weights_sha256 FROM model_snapshots WHERE id = $1",
                                     [.integer(snapshot.id)]).first else {
            throw RegistryError.missingVersion(snapshot.name, version: snapshot.version, existing: try existingVersions(of: snapshot.name))
        }
        guard let stored = row["record_sha256"].string else { throw RegistryError.recordChecksumMissing(snapshot.reference) }
        try SnapshotRecord.check(snapshot, stored: stored)
        guard case .bytes(let blob) = row["weights"] else {
            throw RegistryError.corruptWeights(snapshot.reference, "the weights are not stored as bytes")
        }
        return try Warehouse.checkedParameters(blob: blob, format: row["weights_format"].string ?? "", sha256: row["weights_sha256"].string ?? "",
                                               kind: snapshot.kind, reference: snapshot.reference)
    }

    /// Every model name with its kind, number of versions, newest creation, aliases and main
    /// metric (production's when set, else the latest version's), by name: what `models list`
    /// shows (erasure is SQLite's only, so no version is marked as trained on erased data).
    public func listModels() throws -> [ModelSummary] {
        var aliases: [String: [ModelAlias]] = [:]
        for row in try db.query("SELECT name, alias, version FROM model_aliases ORDER BY name COLLATE \"C\", alias COLLATE \"C\"") {
            aliases[row["name"].string ?? "", default: []].append(ModelAlias(alias: row["alias"].string ?? "", version: Int(row["version"].int64 ?? 0)))
        }
        return try db.query("""
            SELECT s.name, s.kind, s.version, s.created_at FROM model_snapshots s
            WHERE s.version = (SELECT max(l.version) FROM model_snapshots l WHERE l.name = s.name)
            ORDER BY s.name COLLATE "C"
            """).map { row in
            let name = row["name"].string ?? "", kind = row["kind"].string ?? "", latest = Int(row["version"].int64 ?? 0)
            let main = aliases[name]?.first(where: { $0.alias == ModelNaming.production })?.version ?? latest
            let metrics = try db.scalar("SELECT metrics FROM model_snapshots WHERE name = $1 AND version = $2",
                                        [.text(name), .integer(Int64(main))]).string.map { try JSONValue.parse($0) } ?? .emptyObject
            return ModelSummary(name: name, kind: kind, versions: latest, latestCreatedAt: row["created_at"].int64 ?? 0,
                                aliases: aliases[name] ?? [], mainVersion: main, mainMetric: MainMetric(kind: kind, metrics: metrics))
        }
    }

    /// The snapshot with this id.
    func snapshot(id: Int64) throws -> ModelSnapshot {
        guard let row = try db.query("SELECT \(Self.snapshotColumns) FROM model_snapshots WHERE id = $1", [.integer(id)]).first else {
            throw RegistryError.unknownModel("#\(id)", known: try modelNames())
        }
        return try ModelSnapshot.decoded(from: row)
    }

    /// `count` bytes of the snapshot's weights from byte `start` (1-based; nil: to the end).
    private func weightsBytes(of snapshot: ModelSnapshot, from start: Int, count: Int?) throws -> [UInt8] {
        let value = try db.scalar("SELECT substring(weights FROM $2::int FOR coalesce($3::int, octet_length(weights))) FROM model_snapshots WHERE id = $1",
                                  [.integer(snapshot.id), .integer(Int64(start)), count.map { .integer(Int64($0)) } ?? .null])
        guard case .bytes(let bytes) = value else {
            throw RegistryError.missingVersion(snapshot.name, version: snapshot.version, existing: try existingVersions(of: snapshot.name))
        }
        return bytes
    }

    /// Waits for any other registry write, for the rest of the transaction.
    func lockRegistry() throws {
        try db.query("SELECT pg_advisory_xact_lock($1)", [.integer(Self.registryLockKey)])
    }

    func existingVersions(of name: String) throws -> [Int] {
        try db.query("SELECT version FROM model_snapshots WHERE name = $1 ORDER BY version", [.text(name)]).compactMap { $0["version"].int64.map { Int($0) } }
    }

    func modelNames() throws -> [String] {
        try db.query("SELECT name FROM model_snapshots GROUP BY name ORDER BY name COLLATE \"C\"").compactMap { $0["name"].string }
    }
}
