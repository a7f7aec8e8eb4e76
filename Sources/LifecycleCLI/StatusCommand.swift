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
        let status = try database.openForReading().status(recent: recent)
        let format = output.resolved
        if format == .json {
            print(StatusJSON.render(status))
            return
        }
        let counts = Table(columns: ["table", "rows"], rows: status.tableCounts.map { [$0.table, String($0.rows)] }, numericColumns: [1])
        let imports = Table(
            columns: ["import", "kind", "format", "file", "status", "started (UTC)", "read", "loaded", "duplicates", "rejected",
                      "erased"],
            rows: status.recentImports.map {
                [String($0.id), $0.kind, $0.format, $0.file, $0.status, StatusJSON.iso($0.startedAt),
                 String($0.read), String($0.loaded), String($0.duplicate), String($0.rejected), String($0.erased)]
            },
            numericColumns: [0, 6, 7, 8, 9, 10])
        if format == .csv {
            print(counts.rendered(as: .csv), terminator: "")
            return
        }
        print("\(status.path): schema version \(status.schemaVersion) (this build knows \(status.knownVersion))\n")
        print(counts.rendered(as: format))
        print(Self.describe(status.kept))
        print(Self.describe(status.currencies) + "\n")
        if !imports.rows.isEmpty { print("Recent imports:\n" + imports.rendered(as: format), terminator: "") }
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
        guard kept.current else {
            return "Customer totals: stale or absent; RFM and retention read the orders until the next orders import."
        }
        let months = kept.purchaseMonthsZone.map { "purchase months in \($0)" } ?? "no purchase months"
        let tiles = kept.tileStartsAsOf.map { "RFM tile starts as of \(StatusJSON.iso($0))" } ?? "no RFM tile starts"
        return "Customer totals: current, with \(months) and \(tiles)."
    }
}

/// `status --format json`: one object with the version, the counts and the recent imports.
enum StatusJSON {
    static func iso(_ seconds: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static func render(_ status: WarehouseStatus) -> String {
        var tables: [String: Int] = [:]
        for entry in status.tableCounts { tables[entry.table] = entry.rows }
        let object: [String: Any] = [
            "path": status.path, "schema_version": status.schemaVersion, "known_version": status.knownVersion,
            "tables": tables,
            "currencies": status.currencies.map { ["currency": $0.currency, "orders": $0.orders] as [String: Any] },
            "customer_totals": [
                "current": status.kept.current, "purchase_months_zone": status.kept.purchaseMonthsZone as Any,
                "rfm_tile_starts_as_of": status.kept.tileStartsAsOf.map(iso) as Any,
            ] as [String: Any],
            "recent_imports": status.recentImports.map {
                ["id": $0.id, "kind": $0.kind, "format": $0.format, "file": $0.file, "status": $0.status,
                 "started_at": iso($0.startedAt), "read": $0.read, "loaded": $0.loaded,
                 "duplicates": $0.duplicate, "rejected": $0.rejected, "erased": $0.erased] as [String: Any]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
