import ArgumentParser
import Warehouse

/// `lifecycle models verify`.
struct ModelsVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every snapshot's weights (checksum, layout, model validity); exit 1 when any fails.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    func run() throws {
        let results = try database.openForReading().verifySnapshots()
        if output.resolved == .json {
            try printJSON(RegistryJSON.verification(results))
        } else {
            print(RegistryTables.verification(results).rendered(as: output.resolved), terminator: "")
        }
        let failed = results.filter { !$0.ok }
        guard failed.isEmpty else {
            printError("error: \(failed.count) of \(results.count) snapshots failed verification: "
                       + failed.map(\.snapshot.reference).joined(separator: ", "))
            throw ExitCode(1)
        }
    }
}
