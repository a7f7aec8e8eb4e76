import ArgumentParser
import Warehouse

/// `lifecycle models verify`.
struct ModelsVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every snapshot (record and weights checksums, layout, model validity) and the aliases; exit 1 when any fails.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    func run() throws {
        let report = try database.withRegistry { try $0.verifyRegistry() }
        emit(Answer(question: "models verify", table: RegistryTables.verification(report),
                    details: [JSONMember("verification", RegistryJSON.verification(report))]), as: output.resolved)
        guard report.ok else {
            let failed = report.snapshots.filter { !$0.ok }
            var parts: [String] = []
            if !failed.isEmpty {
                parts.append("\(failed.count) of \(report.snapshots.count) snapshots failed verification: "
                             + failed.map(\.snapshot.reference).joined(separator: ", "))
            }
            if !report.problems.isEmpty {
                parts.append("\(report.problems.count) registry problem(s): " + report.problems.map(\.message).joined(separator: "; "))
            }
            printError("error: " + parts.joined(separator: "; "))
            throw ExitCode(1)
        }
    }
}
