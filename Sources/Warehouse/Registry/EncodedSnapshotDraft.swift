import Learning

/// A snapshot draft checked and encoded as both engines' registries store it: the name, the data
/// fingerprint and the JSON checked, the weights in the safetensors layout with their SHA-256,
/// and the JSON as it will read back, so the record checksum computed now is the one loading
/// recomputes.
struct EncodedSnapshotDraft {
    let draft: ModelSnapshotDraft
    /// The data fingerprint in lower-case hex.
    let fingerprint: String
    let hyperparametersText: String
    let metricsText: String
    let weights: [UInt8]
    let weightsSHA256: String
    private let storedHyperparameters: JSONValue
    private let storedMetrics: JSONValue

    /// Checks and encodes `draft`; a draft that cannot be stored is a `RegistryError` naming it.
    init(_ draft: ModelSnapshotDraft) throws {
        let name = draft.name
        if let problem = ModelNaming.problem(withModelName: name) { throw RegistryError.invalidDraft(name, problem) }
        let fingerprint = draft.dataFingerprint.lowercased()
        guard fingerprint.count == 64, fingerprint.allSatisfy({ $0.isHexDigit && $0.isASCII }) else {
            throw RegistryError.invalidDraft(name, "the data fingerprint must be a SHA-256 in hex (64 characters), got '\(draft.dataFingerprint)'")
        }
        guard draft.trainingRows >= 0 else { throw RegistryError.invalidDraft(name, "training rows cannot be negative") }
        guard draft.hyperparameters.isObject else { throw RegistryError.invalidDraft(name, "hyperparameters must be a JSON object") }
        guard draft.metrics.isObject else { throw RegistryError.invalidDraft(name, "metrics must be a JSON object") }
        do {
            hyperparametersText = try draft.hyperparameters.jsonText()
        } catch {
            throw RegistryError.invalidDraft(name, "hyperparameters: \(error)")
        }
        do {
            metricsText = try draft.metrics.jsonText()
        } catch {
            throw RegistryError.invalidDraft(name, "metrics: \(error)")
        }
        do {
            weights = try WeightsFile.encode(draft.parameters)
        } catch {
            throw RegistryError.unencodableWeights(name, error.message)
        }
        do {
            (storedHyperparameters, storedMetrics) = (try JSONValue.parse(hyperparametersText), try JSONValue.parse(metricsText))
        } catch {
            throw RegistryError.invalidDraft(name, "its JSON does not read back: \(error)")
        }
        self.draft = draft
        self.fingerprint = fingerprint
        weightsSHA256 = WeightsFile.sha256(weights)
    }

    /// The snapshot as it will be stored as `version` (its id is not known yet: 0), and its
    /// record checksum (``SnapshotRecord``).
    func record(version: Int, createdAt: Int64, trainedThroughImport: Int64) throws -> (snapshot: ModelSnapshot, recordSHA256: String) {
        let snapshot = ModelSnapshot(
            id: 0, name: draft.name, kind: draft.kind, version: version, createdAt: createdAt, codeVersion: LifecycleVersion.current,
            hyperparameters: storedHyperparameters, trainingAsOf: draft.trainingAsOf, trainingWindow: draft.trainingWindow,
            trainingRows: draft.trainingRows, dataFingerprint: fingerprint, metrics: storedMetrics, weightsSHA256: weightsSHA256,
            weightsFormat: WeightsFile.format, weightsBytes: weights.count, recordSHA256: nil,
            trainedThroughImport: trainedThroughImport)
        do {
            return (snapshot, try SnapshotRecord.sha256(of: snapshot))
        } catch {
            throw RegistryError.invalidDraft(draft.name, "its record cannot be written: \(error)")
        }
    }

    /// Whether a version of kind `new` may follow versions of kind `existing` under one name:
    /// the same kind, or two of churn's learners (``Warehouse/binaryClassifierKinds``).
    static func kindMayFollow(_ existing: String, _ new: String) -> Bool {
        existing == new || (Warehouse.binaryClassifierKinds.contains(existing) && Warehouse.binaryClassifierKinds.contains(new))
    }
}
