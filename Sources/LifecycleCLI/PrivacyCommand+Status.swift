import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle privacy status`: which tables and columns hold customer ids or raw text, how many
/// rows, the privacy settings and the erasure count.
struct PrivacyStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show which columns hold customer ids or raw text (with row counts), the privacy settings and the erasure count.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Output format: table or json (default: table).")
    var format: StatusFormat = .table

    enum StatusFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    func run() throws {
        let status = try database.openForReading().privacyStatus()
        switch format {
        case .json: print(Self.json(status))
        case .table: print(Self.text(status), terminator: "")
        }
    }

    static func text(_ status: PrivacyStatus) -> String {
        let settings = status.settings
        var lines: [String] = []
        if let at = settings.pseudonymisedAt, let fingerprint = settings.keyFingerprint {
            lines.append("Customer ids: pseudonyms (HMAC-SHA256) since \(StatusJSON.iso(at)); key fingerprint \(fingerprint.prefix(16))…")
        } else {
            lines.append("Customer ids: stored as the source wrote them (not pseudonymised).")
        }
        lines.append("Event properties: " + (settings.keepProperties.map { "only \($0.names.joined(separator: ", ")) kept" } ?? "every key kept") + ".")
        lines.append("Rejected rows' raw text: kept \(settings.keepRejectsDays) days; \(grouped(status.rejectsPurged)) blanked so far.")
        lines.append("Erasures: " + (status.erasures.map { "\(grouped($0)) (\(status.erasureTable ?? ""))" } ?? "no erasure log in this warehouse") + ".")
        let table = Table(columns: ["table", "column", "holds", "rows"],
                          rows: status.holdings.map { [$0.table, $0.column, $0.holds, grouped($0.rows)] }, numericColumns: [3])
        return lines.joined(separator: "\n") + "\n\n" + table.rendered(as: .table)
    }

    static func json(_ status: PrivacyStatus) -> String {
        let settings = status.settings
        let object: [String: Any] = [
            "pseudonymised": settings.isPseudonymised,
            "pseudonymised_at": settings.pseudonymisedAt.map(StatusJSON.iso) as Any,
            "key_fingerprint": settings.keyFingerprint as Any,
            "keep_properties": settings.keepProperties?.names as Any,
            "keep_rejects_days": settings.keepRejectsDays,
            "rejects_purged": status.rejectsPurged,
            "erasure_table": status.erasureTable as Any,
            "erasures": status.erasures as Any,
            "columns": status.holdings.map { ["table": $0.table, "column": $0.column, "holds": $0.holds, "rows": $0.rows] as [String: Any] },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
