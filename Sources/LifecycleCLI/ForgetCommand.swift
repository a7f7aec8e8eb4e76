import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle forget CUSTOMER... [--from FILE] [--dry-run]`: erase customers everywhere.
struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase customers (right to erasure): every row about them, in one transaction, and keep them out of later imports.",
        discussion: """
            Removes the customers' user rows, orders and order lines, events, features, customer totals, RFM snapshot rows, \
            predictions, CLV predictions, segment assignments and recommendations; blanks rejected rows' raw text, file names, \
            import errors and other events' properties that quote an id; brings the kept totals up to date; and logs a keyed \
            hash of each id (never the id), so later imports skip the customers' rows. Ids are external ids as stored \
            (lifecycle rfm --users lists them); in a pseudonymised warehouse, source ids with --key-file (or \
            LIFECYCLE_KEY_FILE), each erased as its pseudonym. With --log-absent an id with no data yet is logged too, so \
            her rows stay out when they arrive. Model versions trained with their data are listed and stay as they are: \
            retraining is your decision (docs/PRIVACY.md). Exits with status 1 when an id is neither a customer nor erased \
            before (the others are still erased).
            """)

    /// The output formats this command writes.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @Argument(help: "Customer ids: external ids as stored, or source ids with --key-file in a pseudonymised warehouse.")
    var customers: [String] = []

    @Option(name: .customLong("from"), help: ArgumentHelp("A file of customer ids, one per line (blank lines skipped).", valueName: "file"))
    var file: String?

    @Flag(name: .customLong("dry-run"), help: "Say what would be removed, per table, and change nothing.")
    var dryRun = false

    @Flag(name: .customLong("log-absent"),
          help: "Log ids with no data too (an erasure request that comes before the customer's data), so later imports skip them; without it such an id is an error.")
    var logAbsent = false

    @OptionGroup var key: KeyFileOption

    @Option(help: "Output format: table or json (default: table).")
    var format: Format = .table

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if customers.isEmpty && file == nil { throw ValidationError("name the customers to erase, or give --from FILE") }
    }

    func run() throws {
        let ids = try customers + (file.map(Self.ids(inFile:)) ?? [])
        let summary: ErasureSummary
        do {
            summary = try database.openForWriting(creating: false).forget(ids, dryRun: dryRun, key: key.key(), logAbsent: logAbsent)
        } catch let refusal as PrivacyError {
            throw ValidationError(refusal.description)
        }
        switch format {
        case .json: try printJSON(ErasureReport.json(summary))
        case .table: print(ErasureReport.text(summary), terminator: "")
        }
        if !summary.notFound.isEmpty {
            printError("not found (no user with that id, and not erased before): \(summary.notFound.joined(separator: ", "))")
            throw ExitCode(1)
        }
    }

    /// The ids of a file, one per line: line ends (LF or CRLF) and blank lines are not ids.
    static func ids(inFile path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(path) is not UTF-8 text") }
        return text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }
    }
}
