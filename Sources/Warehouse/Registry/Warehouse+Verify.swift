import Learning

/// The result of checking one snapshot.
public struct SnapshotVerification: Sendable, Equatable {
    /// The snapshot checked.
    public let snapshot: ModelSnapshot
    /// Whether it passes every check.
    public var ok: Bool { problem == nil }
    /// What failed, when something did.
    public let problem: String?
    /// Whether its record checksum was checked; false for a snapshot saved before record
    /// checksums existed, of which only the weights can be checked.
    public var recordChecked: Bool { snapshot.recordSHA256 != nil }
}

/// A problem of the registry as a whole rather than of one snapshot's contents: a missing
/// version, or an alias (or an alias's history) naming one.
public struct RegistryProblem: Sendable, Equatable {
    /// What kind of problem.
    public enum Check: String, Sendable, Equatable {
        /// A version between 1 and the highest has no snapshot: it was deleted.
        case missingVersion = "missing_version"
        /// An alias points at a missing version.
        case alias
        /// Recorded moves of an alias name a missing version.
        case aliasHistory = "alias_history"
    }

    /// What kind of problem.
    public let check: Check
    /// The model name.
    public let model: String
    /// The missing version.
    public let version: Int
    /// The alias concerned, for alias problems.
    public let alias: String?
    /// The problem in words.
    public let message: String
}

/// The result of `lifecycle models verify`: every snapshot, then the registry's problems.
public struct RegistryVerification: Sendable, Equatable {
    /// Every snapshot, by name then version.
    public let snapshots: [SnapshotVerification]
    /// Missing versions and aliases naming them, by model, version, alias.
    public let problems: [RegistryProblem]
    /// Whether every snapshot passed and nothing is missing.
    public var ok: Bool { problems.isEmpty && snapshots.allSatisfy(\.ok) }
}

/// The model kinds this build knows, with the check that decodes their parameters.
enum KnownModelKinds {
    static let validators: [String: @Sendable (ModelParameters) throws -> Void] = [
        BGNBDModel.parameterKind: { _ = try BGNBDModel(parameters: $0) },
        GammaGammaModel.parameterKind: { _ = try GammaGammaModel(parameters: $0) },
        LogisticRegressionModel.parameterKind: { _ = try LogisticRegressionModel(parameters: $0) },
        KMeansModel.parameterKind: { _ = try KMeansModel(parameters: $0) },
        ItemSimilarityModel.parameterKind: { _ = try ItemSimilarityModel(parameters: $0) },
        PopularityModel.parameterKind: { _ = try PopularityModel(parameters: $0) },
        GradientBoostedTreesModel.parameterKind: { _ = try GradientBoostedTreesModel(parameters: $0) },
        GRUSequenceClassifier.parameterKind: { _ = try GRUSequenceClassifier(parameters: $0) },
        SatisfactionModel.parameterKind: { _ = try SatisfactionModel(parameters: $0) },
    ]
}

extension Warehouse {
    /// Checks every snapshot (``verifySnapshots()``) and the registry around them
    /// (``registryProblems()``).
    public func verifyRegistry() throws -> RegistryVerification {
        RegistryVerification(snapshots: try verifySnapshots(), problems: try registryProblems())
    }

    /// Checks every snapshot, one blob at a time: the record checksum of its defining fields
    /// (``SnapshotRecord``; snapshots saved before record checksums have none), the weights
    /// format, their SHA-256, the safetensors layout, the kind, and — for kinds this build
    /// knows — that the model decodes (names, shapes, finite values in range). By name, then version.
    public func verifySnapshots() throws -> [SnapshotVerification] {
        let ids = try db.query("SELECT id FROM model_snapshots ORDER BY name, version").compactMap { $0[0].int64 }
        var results: [SnapshotVerification] = []
        for id in ids {
            let snapshot = try self.snapshot(id: id)
            results.append(SnapshotVerification(snapshot: snapshot, problem: try problem(with: snapshot)))
        }
        return results
    }

    /// Verifies one snapshot.
    public func verify(_ snapshot: ModelSnapshot) throws -> SnapshotVerification {
        SnapshotVerification(snapshot: snapshot, problem: try problem(with: snapshot))
    }

    /// Versions missing below a model's highest one, aliases pointing at missing versions, and
    /// alias moves naming them: what deleting a snapshot behind the registry's back (its trigger
    /// dropped, foreign keys off) leaves. A deleted highest version leaves no gap; it is found
    /// through the aliases or moves that name it.
    public func registryProblems() throws -> [RegistryProblem] {
        var versions: [String: [Int]] = [:]
        for row in try db.query("SELECT name, version FROM model_snapshots ORDER BY name, version") {
            versions[row[0].string ?? "", default: []].append(Int(row[1].int64 ?? 0))
        }
        var problems: [RegistryProblem] = []
        for (name, existing) in versions {
            let present = Set(existing)
            for version in 1...(existing.last ?? 1) where !present.contains(version) {
                problems.append(RegistryProblem(
                    check: .missingVersion, model: name, version: version, alias: nil,
                    message: "version \(version) of \(name) is missing: its snapshot was deleted (\(VersionList.exist(existing)))"))
            }
        }
        for row in try db.query("""
            SELECT name, alias, version FROM model_aliases a
            WHERE NOT EXISTS (SELECT 1 FROM model_snapshots s WHERE s.name = a.name AND s.version = a.version)
            """) {
            let (name, alias, version) = (row[0].string ?? "", row[1].string ?? "", Int(row[2].int64 ?? 0))
            problems.append(RegistryProblem(
                check: .alias, model: name, version: version, alias: alias,
                message: "alias \(alias) of \(name) names version \(version), which is missing (\(VersionList.exist(versions[name] ?? [])))"))
        }
        var moves: [(name: String, alias: String, version: Int, ids: [Int64])] = []
        for row in try db.query("""
            SELECT DISTINCT m.name, m.alias, m.version, m.id FROM (
                SELECT id, name, alias, from_version AS version FROM model_alias_moves
                UNION ALL SELECT id, name, alias, to_version FROM model_alias_moves) m
            WHERE m.version IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM model_snapshots s WHERE s.name = m.name AND s.version = m.version)
            ORDER BY m.name, m.alias, m.version, m.id
            """) {
            let (name, alias, version, id) = (row[0].string ?? "", row[1].string ?? "", Int(row[2].int64 ?? 0), row[3].int64 ?? 0)
            if let last = moves.last, last.name == name, last.alias == alias, last.version == version {
                moves[moves.count - 1].ids.append(id)
            } else {
                moves.append((name, alias, version, [id]))
            }
        }
        for move in moves {
            problems.append(RegistryProblem(
                check: .aliasHistory, model: move.name, version: move.version, alias: move.alias,
                message: "the history of alias \(move.alias) of \(move.name) names version \(move.version), which is missing, in move(s) "
                    + move.ids.map(String.init).joined(separator: ", ")))
        }
        return problems.sorted {
            ($0.model, $0.version, $0.alias ?? "", $0.check.rawValue) < ($1.model, $1.version, $1.alias ?? "", $1.check.rawValue)
        }
    }

    private func problem(with snapshot: ModelSnapshot) throws -> String? {
        do {
            let parameters = try loadParameters(snapshot)
            if let validate = KnownModelKinds.validators[snapshot.kind] {
                do {
                    try validate(parameters)
                } catch {
                    return "the weights decode but are not a valid \(snapshot.kind) model: \(error)"
                }
            }
            return nil
        } catch let error as RegistryError {
            return error.description
        }
    }
}
