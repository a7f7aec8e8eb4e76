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
        let status: WarehouseStatus
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForReading(url: url)
            status = try database.onServer(url) { try warehouse.status(recent: recent) }
        } else {
            status = try database.openForReading().status(recent: recent)
        }
        let format = output.resolved
        if format.isMachine {
            emit(StatusAnswer.answer(status, recent: recent), as: format)
            return
        }
        let counts = Table(columns: ["table", "rows"], rows: status.tableCounts.map { [.text($0.table), .count($0.rows)] })
        let imports = Table(
            columns: ["import", "kind", "format", "file", "status", "started (UTC)", "read", "loaded", "duplicates", "rejected",
                      "erased"],
            rows: status.recentImports.map {
                [.integer($0.id), .text($0.kind), .text($0.format), .text($0.file), .text($0.status), .instant($0.startedAt),
                 .count($0.read), .count($0.loaded), .count($0.duplicate), .count($0.rejected), .count($0.erased)]
            })
        print("\(status.path): schema version \(status.schemaVersion) (this build knows \(status.knownVersion))")
        if let engine = status.engine { print("Engine: \(engine)") }
        print()
        print(counts.rendered(as: format, width: tableWidth(format)))
        print(Self.describe(status.kept))
        print(Self.describe(status.currencies) + "\n")
        if !imports.rows.isEmpty { print("Recent imports:\n" + imports.rendered(as: format, width: tableWidth(format)), terminator: "") }
    }
}

extension StatusCommand {
    /// One line on what the import keeps for RFM and retention, and whether they read it.
    /// "Currencies: GBP (22,190 orders), USD (6,919 orders); questions that add up money take --currency."
    static func describe(_ currencies: [CurrencyCount]) -> String {
        let listed = currencies.map { "\($0.currency) (\(grouped($0.orders)) \($0.orders == 1 ? "order" : "orders"))" }.joined(separator: ", ")
        switch currencies.count {
        case 0: return "Currencies: none (no orders)."
        case 1: return "Currencies: \(listed)."
        default: return "Currencies: \(listed); questions that add up money take --currency."
        }
    }

    static func describe(_ kept: WarehouseStatus.KeptAnswers) -> String {
        kept.current ? "Customer totals: current."
            : "Customer totals: stale or absent; RFM reads the orders until the next orders import."
    }
}

/// `status` for machines: everything the table shows, as rows of (section, name, value) so
/// csv, json and jsonl carry the same: section `warehouse` (path, schema_version,
/// known_version), `tables` (one row per table), `customer_totals`, `currencies` (orders per
/// currency) and `import ID` (one row per field of each recent import).
enum StatusAnswer {
    static func answer(_ status: WarehouseStatus, recent: Int) -> Answer {
        var rows: [[Cell]] = [
            ["warehouse", "path", .text(status.path)],
            ["warehouse", "schema_version", .count(status.schemaVersion)],
            ["warehouse", "known_version", .count(status.knownVersion)],
        ]
        if let engine = status.engine { rows.append(["warehouse", "engine", .text(engine)]) }
        rows += status.tableCounts.map { ["tables", .text($0.table), .count($0.rows)] }
        rows.append(["customer_totals", "current", .bool(status.kept.current)])
        rows += status.currencies.map { ["currencies", .text($0.currency), .count($0.orders)] }
        for entry in status.recentImports {
            let section = Cell.text("import \(entry.id)")
            rows += [[section, "kind", .text(entry.kind)], [section, "format", .text(entry.format)], [section, "file", .text(entry.file)],
                     [section, "status", .text(entry.status)], [section, "started_at", .instant(entry.startedAt)],
                     [section, "read", .count(entry.read)], [section, "loaded", .count(entry.loaded)],
                     [section, "duplicates", .count(entry.duplicate)], [section, "rejected", .count(entry.rejected)],
                     [section, "erased", .count(entry.erased)]]
        }
        let notes = [StatusCommand.describe(status.kept), StatusCommand.describe(status.currencies)]
        return Answer(question: "status", parameters: [JSONMember("recent", .integer(Int64(recent)))],
                      table: Table(columns: ["section", "name", "value"], rows: rows, notes: notes))
    }
}
