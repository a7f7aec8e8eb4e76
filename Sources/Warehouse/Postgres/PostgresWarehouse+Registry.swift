import Learning
import PostgresStore

/// The model registry on PostgreSQL (migrations/postgres/0008): the same snapshots, versions,
/// record and weights checksums and aliases as the SQLite file's (`Warehouse+Snapshots`,
/// `Warehouse+Aliases`), with the rules SQLite's triggers keep written here, since Citus allows no
/// trigger on a reference table: every write takes the registry's advisory lock for its
/// transaction, so versions count 1, 2, 3... without gaps and alias moves form one chain whoever
/// writes at once. A snapshot is never updated or deleted by lifecycle; a change made behind its
/// back fails its record checksum when it is loaded.
extension PostgresWarehouse: ModelRegistry {
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
    /// `clv@latest`, `clv@candidate`. An instant (`--at`) is not supported on PostgreSQL yet.
    public func snapshot(_ text: String, at instant: Int64? = nil) throws -> ModelSnapshot {
        let reference = try ModelReference(parsing: text)
        if instant != nil {
            throw RegistryError.unsuitableReference(text, "--at (the version at an instant) is not supported on PostgreSQL yet")
        }
        let name = reference.name
        guard let latest = try db.scalar("SELECT max(version) FROM model_snapshots WHERE name = $1", [.text(name)]).int64 else {
            throw RegistryError.unknownModel(name, known: try modelNames())
        }
        let version: Int
        switch reference.selector {
        case .version(let number):
            guard number <= latest else { throw RegistryError.unknownVersion(name, version: number, latest: Int(latest)) }
            version = number
        case .latest:
            version = Int(latest)
        case .alias(let alias):
            let aliases = try currentAliases(of: name)
            guard let target = aliases[alias] else { throw RegistryError.unknownAlias(name, alias: alias, aliases: aliases.keys.sorted()) }
            version = target
        case .preferred:
            version = try currentAliases(of: name)[ModelNaming.production] ?? Int(latest)
        }
        guard let row = try db.query("SELECT \(Self.snapshotColumns) FROM model_snapshots WHERE name = $1 AND version = $2",
                                     [.text(name), .integer(Int64(version))]).first else {
            throw RegistryError.missingVersion(name, version: version, existing: try existingVersions(of: name))
        }
        return try ModelSnapshot.decoded(from: row)
    }

    /// Where each alias of a model points now, by alias.
    public func currentAliases(of name: String) throws -> [String: Int] {
        var aliases: [String: Int] = [:]
        for row in try db.query("SELECT alias, version FROM model_aliases WHERE name = $1", [.text(name)]) {
            aliases[row["alias"].string ?? ""] = Int(row["version"].int64 ?? 0)
        }
        return aliases
    }

    /// Points `alias` of model `name` at `version`, recording the move (who, when, from, to, why)
    /// and the alias in one transaction; nil, recording nothing, when it already points there.
    @discardableResult
    public func promote(name: String, version: Int, alias: String = ModelNaming.production, reason: String? = nil,
                        by user: String = RegistryClock.currentUser(), at instant: Int64? = nil) throws -> AliasMove? {
        if let problem = ModelNaming.problem(withAlias: alias) { throw RegistryError.invalidAlias(alias, problem) }
        return try db.transaction { () throws -> AliasMove? in
            try lockRegistry()
            let existing = try existingVersions(of: name)
            guard let latest = existing.last else { throw RegistryError.unknownModel(name, known: try modelNames()) }
            guard (1...latest).contains(version) else { throw RegistryError.unknownVersion(name, version: version, latest: latest) }
            guard existing.contains(version) else { throw RegistryError.missingVersion(name, version: version, existing: existing) }
            let current = try currentAliases(of: name)[alias]
            guard current != version else { return nil }
            let previous = try db.scalar("SELECT max(moved_at) FROM model_alias_moves WHERE name = $1 AND alias = $2",
                                         [.text(name), .text(alias)]).int64
            let movedAt = try AliasMove.instant(instant, after: previous, name: name, alias: alias)
            let id = try db.scalar("""
                INSERT INTO model_alias_moves (name, alias, from_version, to_version, moved_at, moved_by, reason)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                """, [.text(name), .text(alias), current.map { .integer(Int64($0)) } ?? .null, .integer(Int64(version)),
                      .integer(movedAt), .text(user), reason.map(PGValue.text) ?? .null]).int64 ?? 0
            try db.query("""
                INSERT INTO model_aliases (name, alias, version) VALUES ($1, $2, $3)
                ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version
                """, [.text(name), .text(alias), .integer(Int64(version))])
            return AliasMove(id: id, name: name, alias: alias, fromVersion: current, toVersion: version,
                             movedAt: movedAt, movedBy: user, reason: reason)
        }
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

    /// Waits for any other registry write, for the rest of the transaction.
    private func lockRegistry() throws {
        try db.query("SELECT pg_advisory_xact_lock($1)", [.integer(Self.registryLockKey)])
    }

    private func existingVersions(of name: String) throws -> [Int] {
        try db.query("SELECT version FROM model_snapshots WHERE name = $1 ORDER BY version", [.text(name)]).compactMap { $0["version"].int64.map { Int($0) } }
    }

    private func modelNames() throws -> [String] {
        try db.query("SELECT DISTINCT name FROM model_snapshots ORDER BY name COLLATE \"C\"").compactMap { $0["name"].string }
    }
}
