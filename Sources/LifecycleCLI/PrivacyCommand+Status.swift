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

    @OptionGroup var output: FormatOption

    func run() throws {
        let status: PrivacyStatus
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForReading(url: url)
            status = try database.onServer(url) { try warehouse.privacyStatus() }
        } else {
            status = try database.openForReading().privacyStatus()
        }
        let format = output.resolved
        let answer = Self.answer(status)
        if format == .table || format == .markdown {
            print(Self.summary(status) + "\n" + answer.table.rendered(as: format, width: tableWidth(format)), terminator: "")
        } else {
            emit(answer, as: format)
        }
    }

    /// The settings in words, above the table on a terminal.
    static func summary(_ status: PrivacyStatus) -> String {
        let settings = status.settings
        var lines: [String] = []
        if let at = settings.pseudonymisedAt, let fingerprint = settings.keyFingerprint {
            lines.append("Customer ids: pseudonyms (HMAC-SHA256) since \(RegistryClock.iso(at)); key fingerprint \(fingerprint.prefix(16))…")
        } else {
            lines.append("Customer ids: stored as the source wrote them (not pseudonymised).")
        }
        lines.append("Event properties: " + (settings.keepProperties.map { "only \($0.names.joined(separator: ", ")) kept" } ?? "every key kept") + ".")
        lines.append("Rejected rows' raw text: kept \(settings.keepRejectsDays) days; \(grouped(status.rejectsPurged)) blanked so far.")
        lines.append("Imported file names: " + (settings.isPseudonymised ? "not kept (imports are known by their content's SHA-256)."
                                                                         : "kept without their directories."))
        lines.append("Erasures: \(grouped(status.erasures)) customers erased (lifecycle forget).")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The contract (docs/OUTPUT.md): rows are the columns holding ids or raw text; the
    /// `settings` section holds one (name, value) row per setting and count.
    static func answer(_ status: PrivacyStatus) -> Answer {
        let settings = status.settings
        let rows: [[Cell]] = [
            ["pseudonymised", .bool(settings.isPseudonymised)],
            ["pseudonymised_at", .instantOrNull(settings.pseudonymisedAt)],
            ["key_fingerprint", .textOrNull(settings.keyFingerprint)],
            ["keep_properties", .textOrNull(settings.keepProperties?.names.joined(separator: ","))],
            ["keep_rejects_days", .count(settings.keepRejectsDays)],
            ["file_names", .text(settings.isPseudonymised ? "not_kept" : "base_name")],
            ["rejects_purged", .count(status.rejectsPurged)],
            ["erasures", .count(status.erasures)],
        ]
        let holdings = Table(columns: ["table", "column", "holds", "rows"],
                             rows: status.holdings.map { [.text($0.table), .text($0.column), .text($0.holds), .count($0.rows)] })
        return Answer(question: "privacy status", table: holdings,
                      sections: [.init(key: "settings", title: "", table: Table(columns: ["name", "value"], rows: rows))])
    }
}
