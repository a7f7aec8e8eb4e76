import Foundation
import Learning

/// The model registry both engines keep: `Warehouse` (the SQLite file) and `PostgresWarehouse`
/// (PostgreSQL, with or without Citus) store snapshots with the same fields, versions, record
/// and weights checksums and aliases. What trainers do with it (store a version, compare it with
/// production, promote it) is written once against this protocol.
public protocol ModelRegistry: ReportingZoneReader {
    /// Saves `draft` as the next version of its name and returns the stored snapshot.
    func saveSnapshot(_ draft: ModelSnapshotDraft, createdAt: Int64) throws -> ModelSnapshot
    /// The snapshot a reference names (`clv`, `clv@3`, `clv@production`, `clv@latest`), as it
    /// was at `instant` when one is given.
    func snapshot(_ text: String, at instant: Int64?) throws -> ModelSnapshot
    /// Where each alias of a model points now, by alias.
    func currentAliases(of name: String) throws -> [String: Int]
    /// Points `alias` of `name` at `version`, recording the move; nil when it already points there.
    @discardableResult
    func promote(name: String, version: Int, alias: String, reason: String?, by user: String, at instant: Int64?) throws -> AliasMove?
    /// The snapshot's parameters, its record and weights checksums verified.
    func loadParameters(_ snapshot: ModelSnapshot) throws -> ModelParameters
}

extension ModelRegistry {
    /// Points `production` of `name` at `version` now, as the current user, recording `reason`:
    /// what a trainer's `--promote` does (the requirement's defaults, which a protocol cannot give).
    func promoteToProduction(name: String, version: Int, reason: String) throws {
        try promote(name: name, version: version, alias: ModelNaming.production, reason: reason, by: RegistryClock.currentUser(), at: nil)
    }

    /// The snapshot's model, checksum-verified and validated by the model type, e.g.
    /// `try warehouse.loadModel(LogisticRegressionModel.self, from: snapshot)`.
    public func loadModel<Model: ParameterEncodable>(_ type: Model.Type, from snapshot: ModelSnapshot) throws -> Model {
        guard snapshot.kind == Model.parameterKind else {
            throw RegistryError.wrongKind(snapshot.reference, kind: snapshot.kind, expected: Model.parameterKind)
        }
        let parameters = try loadParameters(snapshot)
        do {
            return try Model(parameters: parameters)
        } catch {
            throw RegistryError.corruptWeights(snapshot.reference, "\(error)")
        }
    }
}

extension Warehouse: ModelRegistry {}
