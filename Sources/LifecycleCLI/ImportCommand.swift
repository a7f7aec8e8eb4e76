import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle import orders|events|users FILE...`.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import order dumps, event logs or user lists (streaming, idempotent, every bad row kept).",
        subcommands: [ImportOrders.self, ImportEvents.self, ImportUsers.self]
    )
}

struct ImportOrders: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "orders", abstract: "Import order lines (online-retail, cdnow or csv layout).")
    @OptionGroup var options: ImportArguments

    @Option(help: "Source layout: online-retail, cdnow or csv (default: csv).")
    var format: ImportFormat?

    @Option(help: ArgumentHelp("Currency of amounts when the source names none: an ISO 4217 code in use, any case (default GBP for online-retail, USD for cdnow).", valueName: "code"))
    var currency: String?

    @Option(help: "Text encoding: utf-8, latin-1 or auto (default: auto for online-retail, utf-8 otherwise).")
    var encoding: TextEncoding?

    func validate() throws {
        if let format, format != .csv, options.timezone == nil {
            throw ValidationError("--timezone is required for --format \(format.rawValue): its times carry no zone (Europe/London for the UCI Online Retail data)")
        }
        if let currency, CurrencyCode.normalized(currency) == nil {
            throw ValidationError(CurrencyCode.refusal(currency, source: "--currency"))
        }
    }

    func run() throws { try options.run(kind: .orders, format: format ?? .csv, currency: currency, encoding: encoding) }
}

struct ImportEvents: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "Import behavioural events from CSV (views, carts, purchases, reviews...).")
    @OptionGroup var options: ImportArguments

    @Option(help: "Source layout: csv, the one layout of events.")
    var format: CSVLayout = .csv

    @Option(help: "Text encoding: utf-8 or latin-1, or auto (UTF-8 where valid, else Latin-1).")
    var encoding: TextEncoding = .utf8

    @Option(name: .customLong("keep-properties"),
            help: ArgumentHelp("Keep only these top-level keys of each event's properties (default: the warehouse setting, else all); the others are dropped and counted.",
                               valueName: "a,b,..."))
    var keepProperties: String?

    func validate() throws {
        if let keepProperties { _ = try Self.filter(keepProperties) }
    }

    private static func filter(_ list: String) throws -> PropertyFilter {
        do { return try PropertyFilter(list: list) } catch let error as PrivacyError { throw ValidationError(error.description) }
    }

    func run() throws {
        try options.run(kind: .events, format: .csv, currency: nil, encoding: encoding, keepProperties: keepProperties.map(Self.filter))
    }
}

struct ImportUsers: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "Import users (customers) from CSV.")
    @OptionGroup var options: ImportArguments

    @Option(help: "Source layout: csv, the one layout of users.")
    var format: CSVLayout = .csv

    @Option(help: "Text encoding: utf-8 or latin-1, or auto (UTF-8 where valid, else Latin-1).")
    var encoding: TextEncoding = .utf8

    func run() throws { try options.run(kind: .users, format: .csv, currency: nil, encoding: encoding) }
}

/// The one layout events and users come in; `--format csv` stays accepted for scripts that say so.
enum CSVLayout: String, CaseIterable, ExpressibleByArgument {
    case csv
}

extension ImportFormat: ExpressibleByArgument {}
extension TextEncoding: ExpressibleByArgument {}
extension DateOrder: ExpressibleByArgument {}

/// The options every import subcommand takes; orders add their layout and currency.
struct ImportArguments: ParsableArguments {
    @Argument(help: "Files to import, in order; '-' reads standard input; .gz files are decompressed on the fly.")
    var files: [String]

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Time zone of wall-clock times in the source, e.g. Europe/London (required unless every timestamp has an offset).", valueName: "zone"))
    var timezone: String?

    @Option(name: .customLong("map"), help: ArgumentHelp("Map a field to a CSV column, e.g. --map user_id=CustomerID (repeatable; csv layout).", valueName: "field=column"))
    var mappings: [String] = []

    @Option(name: .customLong("date-order"), help: "Order of slashed dates like 12/1/2010: mdy or dmy.")
    var dateOrder: DateOrder = .monthFirst

    @Option(help: "Field separator for csv (one character; 'tab' for tabs).")
    var delimiter: String = ","

    @Flag(help: "All or nothing: at the first rejected row store nothing from the file, name the row, exit status 1.")
    var strict = false

    @Option(name: .customLong("dates-between"),
            help: ArgumentHelp("Accepted dates of every instant in a row, UTC: FROM inclusive, TO exclusive (default 1970-01-01..one year after today; either side may be left empty). Rows outside are rejected.",
                               valueName: "FROM..TO"))
    var datesBetween: String?

    @Option(help: ArgumentHelp("Also write every rejected row (file, line, reason, raw text) to this CSV file.", valueName: "file"))
    var rejects: String?

    @Option(name: .customLong("batch-size"), help: "Rows per transaction.")
    var batchSize = 50_000

    @Flag(help: "Print the summary as JSON on standard output.")
    var json = false

    @OptionGroup var key: KeyFileOption

    @Option(name: .customLong("keep-rejects-days"),
            help: ArgumentHelp("At the end, blank the raw text of rejected rows older than this (default: the warehouse setting, 30 unless set).",
                               valueName: "days"))
    var keepRejectsDays: Int?

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file (or '-' for standard input)") }
        if let timezone, TimeZone(identifier: timezone) == nil {
            throw ValidationError("--timezone \(timezone) is not a known time zone (try Europe/London, UTC, America/New_York)")
        }
        if parsedDelimiter == nil { throw ValidationError("--delimiter must be one ASCII character or 'tab'") }
        for mapping in mappings where mapping.split(separator: "=", maxSplits: 1).count != 2 {
            throw ValidationError("--map \(mapping): expected field=column")
        }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let datesBetween, DateWindow(parsing: datesBetween) == nil {
            throw ValidationError("--dates-between \(datesBetween): expected FROM..TO with dates as YYYY-MM-DD and FROM before TO, e.g. 2009-01-01..2012-01-01")
        }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input ('-') can be read only once") }
        if let keepRejectsDays, keepRejectsDays < 0 { throw ValidationError("--keep-rejects-days must be 0 or more") }
    }

    private var parsedDelimiter: UInt8? {
        if delimiter == "tab" || delimiter == "\\t" { return 0x09 }
        guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte < 0x80 else { return nil }
        return byte
    }

    /// Imports every file as `kind` in `format` and `encoding` (nil: the format's default),
    /// amounts without a currency in `currency`.
    func run(kind: ImportKind, format: ImportFormat, currency: String?, encoding: TextEncoding?, keepProperties: PropertyFilter? = nil) throws {
        let pseudonymKey = try key.key()
        let importer: Importing
        if let url = database.postgresURL {
            if pseudonymKey != nil { throw ValidationError("--key-file: pseudonymised warehouses are not supported on PostgreSQL yet") }
            let warehouse = try database.openPostgresForWriting(url: url)
            importer = Importing(importFile: { try warehouse.importFile($0, options: $1, progress: $2) }, rejects: { try warehouse.rejects(importID: $0) }, rejectsHint: { id in
                "`psql URL -c \"SELECT line, reason FROM import_rejects WHERE import_id = \(id)\"` or --rejects FILE"
            })
        } else {
            let warehouse = try database.openForWriting()
            importer = Importing(importFile: { try warehouse.importFile($0, options: $1, progress: $2) },
                                 rejects: { try warehouse.rejects(importID: $0) }, rejectsHint: nil)
        }
        var map: [String: String] = [:]
        for mapping in mappings {
            let parts = mapping.split(separator: "=", maxSplits: 1).map(String.init)
            map[parts[0]] = parts[1]
        }
        let options = ImportOptions(kind: kind, format: format, timeZone: timezone.flatMap(TimeZone.init(identifier:)),
                                    currency: currency, columnMap: map, encoding: encoding, dateOrder: dateOrder,
                                    delimiter: parsedDelimiter ?? UInt8(ascii: ","), strict: strict, batchSize: batchSize,
                                    dateWindow: datesBetween.flatMap { DateWindow(parsing: $0) }, pseudonymKey: pseudonymKey,
                                    keepProperties: keepProperties, keepRejectsDays: keepRejectsDays)
        var summaries: [ImportSummary] = []
        var failure: Error?
        for file in files {
            let bar = isTerminal(STDERR_FILENO) && !json ? ProgressBar(label: file) : nil
            do {
                let summary = try importer.importFile(file, options, bar.map { bar in { bar.update($0) } })
                bar?.finish()
                summaries.append(summary)
                if !json { printError(SummaryText.line(for: summary, rejectsHint: importer.rejectsHint)) }
            } catch {
                bar?.finish()
                failure = error
                break
            }
        }
        if let rejects { try writeRejects(to: rejects, importer: importer, summaries: summaries) }
        if json { print(SummaryText.json(for: summaries)) }
        if let failure { throw ImportFailure(message: "\(failure)") }
    }

    /// The engine an import runs on: the SQLite file or the PostgreSQL server.
    private struct Importing {
        let importFile: (String, ImportOptions, ((ImportProgress) -> Void)?) throws -> ImportSummary
        let rejects: (Int64) throws -> [(line: Int, reason: String, raw: String)]
        /// How to list an import's rejects, when not the sqlite3 shell.
        let rejectsHint: ((Int64) -> String)?
    }

    private func writeRejects(to path: String, importer: Importing, summaries: [ImportSummary]) throws {
        var table = Table(columns: ["file", "line", "reason", "raw"], rows: [])
        for summary in summaries {
            for reject in try importer.rejects(summary.importID) {
                table.rows.append([.text(summary.file), .integer(Int64(reject.line)), .text(reject.reason), .text(reject.raw)])
            }
        }
        do {
            try table.rendered(as: .csv).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("cannot write --rejects \(path): \(error.localizedDescription)")
        }
        printError("rejected rows written to \(path) (\(table.rows.count))")
    }
}

/// A failed import, printed as `lifecycle: file:line: reason` with exit status 1.
struct ImportFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The closing summary of an import.
enum SummaryText {
    static func line(for summary: ImportSummary, rejectsHint: ((Int64) -> String)? = nil) -> String {
        let c = summary.counts
        var text = "\(summary.file): read \(grouped(c.read)), loaded \(grouped(c.loaded)), duplicates \(grouped(c.duplicate)), rejected \(grouped(c.rejected))"
        if c.erased > 0 { text += ", erased \(grouped(c.erased)) (rows of customers erased by lifecycle forget, skipped)" }
        if c.propertyKeysDropped > 0 { text += "; properties dropped \(grouped(c.propertyKeysDropped)) keys" }
        if summary.kind == .orders {
            text += "; new orders \(grouped(c.ordersCreated)) (guest \(grouped(c.guestOrders)), returns \(grouped(c.returnOrders)))"
        }
        text += String(format: "; %.2f s, %@ rows/s", summary.elapsed, grouped(Int(summary.rowsPerSecond.rounded())))
        if summary.resumedAfter > 0 { text += " (resumed after \(grouped(summary.resumedAfter)) rows of an interrupted run)" }
        if c.rejected > 0 {
            text += "\n  rejected rows: " + (rejectsHint?(summary.importID)
                ?? "`sqlite3 DB \"SELECT line, reason FROM import_rejects WHERE import_id = \(summary.importID)\"` or --rejects FILE")
        }
        return text
    }

    static func json(for summaries: [ImportSummary]) -> String {
        let objects: [[String: Any]] = summaries.map {
            ["import_id": $0.importID, "file": $0.file, "kind": $0.kind.rawValue, "format": $0.format.rawValue,
             "read": $0.counts.read, "loaded": $0.counts.loaded, "duplicates": $0.counts.duplicate, "rejected": $0.counts.rejected,
             "erased": $0.counts.erased,
             "orders_created": $0.counts.ordersCreated, "guest_orders": $0.counts.guestOrders, "return_orders": $0.counts.returnOrders,
             "resumed_after": $0.resumedAfter, "property_keys_dropped": $0.counts.propertyKeysDropped, "seconds": $0.elapsed, "rows_per_second": $0.rowsPerSecond]
        }
        let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
