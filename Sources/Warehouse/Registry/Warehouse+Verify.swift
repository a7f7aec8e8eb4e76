import Learning

/// The result of checking one snapshot's weights.
public struct SnapshotVerification: Sendable, Equatable {
    /// The snapshot checked.
    public let snapshot: ModelSnapshot
    /// Whether its weights pass every check.
    public var ok: Bool { problem == nil }
    /// What failed, when something did.
    public let problem: String?
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
    ]
}

extension Warehouse {
    /// Checks every snapshot's weights, one blob at a time: the format is known, the SHA-256
    /// matches, the safetensors layout is intact, the kind matches, and — for kinds this build
    /// knows — the model decodes (names, shapes, finite values in range). By name, then version.
    public func verifySnapshots() throws -> [SnapshotVerification] {
        let ids = try db.query("SELECT id FROM model_snapshots ORDER BY name, version").compactMap { $0[0].int64 }
        var results: [SnapshotVerification] = []
        for id in ids {
            let snapshot = try self.snapshot(id: id)
            results.append(SnapshotVerification(snapshot: snapshot, problem: try problem(with: snapshot)))
        }
        return results
    }

    /// Verifies one snapshot's weights; nil when they pass.
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
