import Foundation
import Learning

/// The model registry both engines keep: `Warehouse` (the SQLite file) and `PostgresWarehouse`
/// (PostgreSQL, with or without Citus) store snapshots with the same fields, versions, record
/// and weights checksums and aliases. What trainers do with it (store a version, compare it with
/// production, promote it) and what `lifecycle models` shows (a snapshot described, verified,
/// exported, two compared) is written once against this protocol; the requirements are what
/// each engine reads and writes.
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
    /// The snapshot a reference names and how it was reached (`production`, `latest`, another
    /// alias; nil for a version), as it was at `instant` when one is given.
    func resolve(_ reference: ModelReference, at instant: Int64?) throws -> (snapshot: ModelSnapshot, via: String?)
    /// Every model name with its kind, number of versions, aliases and main metric, by name.
    func listModels() throws -> [ModelSummary]
    /// Every version of a model, oldest first; an unknown name is an error listing the known ones.
    func snapshots(named name: String) throws -> [ModelSnapshot]
    /// Every snapshot, by name then version.
    func allSnapshots() throws -> [ModelSnapshot]
    /// The aliases that point at the snapshot now, sorted.
    func aliases(pointingAt snapshot: ModelSnapshot) throws -> [String]
    /// The kind and tensors its weights header names, reading only the header (unverified).
    func weightsHeader(of snapshot: ModelSnapshot) throws -> (kind: String, tensors: [TensorDescription])
    /// The weights blob as stored (unverified: ``loadParameters(_:)`` checks it).
    func weightsBlob(of snapshot: ModelSnapshot) throws -> [UInt8]
    /// Every move of the model's aliases (or of one alias), oldest first.
    func aliasHistory(name: String, alias: String?) throws -> [AliasMove]
    /// Moves `alias` back to the version it pointed at before its last move, recording that as
    /// a move too (`AliasMove.rollbackTarget` says which, or why there is none).
    @discardableResult
    func rollback(name: String, alias: String, reason: String?, by user: String, at instant: Int64?) throws -> AliasMove
    /// Removes `alias` from model `name`, recording the move (to no version).
    @discardableResult
    func removeAlias(name: String, alias: String, reason: String?, by user: String, at instant: Int64?) throws -> AliasMove
    /// Versions missing below a model's highest one, aliases and alias moves naming missing
    /// versions (``RegistryProblem``).
    func registryProblems() throws -> [RegistryProblem]
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
