import Foundation

/// The files ``ModelRegistry/exportSnapshot(_:to:)`` wrote.
public struct SnapshotExport: Sendable, Equatable {
    /// The weights file, byte for byte the stored blob (safetensors layout).
    public let weightsPath: String
    /// The sidecar JSON with the snapshot's metadata: `<weights path>.json`.
    public let metadataPath: String
    /// Size of the weights file.
    public let bytes: Int
}

extension ModelRegistry {
    /// Writes the snapshot's weights, after verifying its record checksum and the weights' checksum and layout, to `path`
    /// (conventionally `NAME-VERSION.safetensors`) and its metadata (name, version, kind,
    /// training, hyperparameters, metrics, aliases, tensor list, sha256) to `path + ".json"`.
    /// numpy reads the weights file alone (docs/FORMATS.md, "Model weights").
    @discardableResult
    public func exportSnapshot(_ snapshot: ModelSnapshot, to path: String) throws -> SnapshotExport {
        // The record and the stored weights are checked first; the blob written is checked again
        // against the checksum the record covers.
        _ = try loadParameters(snapshot)
        let blob = try weightsBlob(of: snapshot)
        let parameters = try Warehouse.checkedParameters(blob: blob, format: snapshot.weightsFormat, sha256: snapshot.weightsSHA256,
                                                         kind: snapshot.kind, reference: snapshot.reference)
        let description = try describe(ModelReference(name: snapshot.name, selector: .version(snapshot.version)))
        var metadata = RegistryJSON.snapshot(description)
        if case .object(var members) = metadata, let index = members.firstIndex(where: { $0.key == "weights" }),
           case .object(var weights) = members[index].value {
            weights.insert(JSONMember("file", .string(URL(fileURLWithPath: path).lastPathComponent)), at: 0)
            weights.append(JSONMember("tensor_order", .array(parameters.tensors.map { .string($0.name) })))
            members[index].value = .object(weights)
            metadata = .object(members)
        }
        let metadataPath = path + ".json"
        let text = ((try? metadata.prettyJSONText()) ?? "{}") + "\n"
        try write(Data(blob), to: path)
        try write(Data(text.utf8), to: metadataPath)
        return SnapshotExport(weightsPath: path, metadataPath: metadataPath, bytes: blob.count)
    }

    private func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw RegistryError.cannotWrite(path, (error as NSError).localizedDescription)
        }
    }
}
