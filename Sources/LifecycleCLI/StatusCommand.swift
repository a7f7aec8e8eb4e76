import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle status`: schema version, row counts and recent imports.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the schema version, row counts and recent imports.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    @Option(help: "How many recent imports to list.")
    var recent = 5

    func run() throws {
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw ValidationError("no warehouse at \(database.path): run `lifecycle migrate` or `lifecycle import` first, or pass --db")
        }
        let status = try database.open().status(recent: recent)
        let format = output.resolved
        let counts = Table(columns: ["table", "rows"], rows: status.tableCounts.map { [$0.table, String($0.rows)] }, numericColumns: [1])
        let iso = ISO8601DateFormatter()
        let imports = Table(
            columns: ["import", "kind", "format", "file", "status", "started (UTC)", "read", "loaded", "duplicates", "rejected"],
            rows: status.recentImports.map {
                [String($0.id), $0.kind, $0.format, $0.file, $0.status, iso.string(from: Date(timeIntervalSince1970: TimeInterval($0.startedAt))),
                 String($0.read), String($0.loaded), String($0.duplicate), String($0.rejected)]
            },
            numericColumns: [0, 6, 7, 8, 9])
        if format == .table || format == .markdown {
            print("\(status.path): schema version \(status.schemaVersion) (this build knows \(status.knownVersion))\n")
            print(counts.rendered(as: format))
            if !imports.rows.isEmpty { print("Recent imports:\n" + imports.rendered(as: format), terminator: "") }
        } else {
            print(counts.rendered(as: format), terminator: "")
            if format == .csv && !imports.rows.isEmpty { print("\n" + imports.rendered(as: format), terminator: "") }
        }
    }
}
