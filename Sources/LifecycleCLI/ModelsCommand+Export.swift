import ArgumentParser
import Warehouse

/// `lifecycle models export NAME@VERSION --out FILE`.
struct ModelsExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a snapshot's weights (safetensors, float64: numpy reads them) and a metadata sidecar FILE.json.")

    @Argument(help: ArgumentHelp("The snapshot, e.g. churn@3.", valueName: "model"))
    var reference: String

    @Option(help: ArgumentHelp("The weights file to write, e.g. churn-3.safetensors; the metadata goes to FILE.json.", valueName: "file"))
    var out: String

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    func run() throws {
        let (snapshot, export) = try database.withRegistry { warehouse in
            let snapshot = try warehouse.resolve(try parseReference(reference), at: nil).snapshot
            return (snapshot, try warehouse.exportSnapshot(snapshot, to: out))
        }
        if output.resolved == .json {
            return try printJSON(["model": .string(snapshot.reference), "weights": .string(export.weightsPath),
                                  "metadata": .string(export.metadataPath), "bytes": .integer(Int64(export.bytes)),
                                  "sha256": .string(snapshot.weightsSHA256)])
        }
        print("wrote \(snapshot.reference) to \(export.weightsPath) (\(export.bytes) bytes, sha256 \(snapshot.weightsSHA256)) and \(export.metadataPath)")
    }
}
