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

extension ModelRegistry {
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
        try allSnapshots().map { SnapshotVerification(snapshot: $0, problem: try problem(with: $0)) }
    }

    /// Verifies one snapshot.
    public func verify(_ snapshot: ModelSnapshot) throws -> SnapshotVerification {
        SnapshotVerification(snapshot: snapshot, problem: try problem(with: snapshot))
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
