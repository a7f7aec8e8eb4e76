import ArgumentParser
import Foundation
import Warehouse

/// The scope options of the analytics commands: as-of, since/until, country, time zone, currency.
struct ScopeArguments: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp(
        "Use only facts before this date (\(DateOption.help)). Default: the day after the last order.",
        valueName: "date"))
    var asOf: String?

    @OptionGroup var window: WindowArguments
    @OptionGroup var countryArgument: CountryArgument

    @Option(name: .customLong("timezone"), help: ArgumentHelp(
        "Reporting time zone for periods and dates, e.g. Europe/London (default: the warehouse's, UTC unless set).", valueName: "zone"))
    var timezone: String?

    @Option(help: ArgumentHelp(
        "Only orders in this currency (ISO 4217, e.g. GBP). Needed when the orders in scope are in several currencies, which are never added together.",
        valueName: "code"))
    var currency: String?

    var since: String? { window.since }
    var until: String? { window.until }
    var country: String? { countryArgument.country }

    func validate() throws {
        if let asOf { try validateDate(asOf, option: "--as-of") }
        if let currency, CurrencyCode.normalized(currency) == nil {
            throw ValidationError(CurrencyCode.refusal(currency, source: "--currency"))
        }
        if let timezone, TimeZone(identifier: timezone) == nil {
            throw ValidationError("--timezone \(timezone) is not a known time zone (try Europe/London, UTC, America/New_York)")
        }
    }

    /// The scope, with dates read in the reporting zone (`--timezone`, else the warehouse's), on
    /// either engine.
    func scope(for warehouse: some ReportingZoneReader) throws -> AnalyticsScope {
        try scope(inReportingZone: try warehouse.reportingTimeZone())
    }

    /// The scope, with dates read in `--timezone`, else in `reportingZone`.
    private func scope(inReportingZone reportingZone: TimeZone) throws -> AnalyticsScope {
        let zone = timezone.flatMap(TimeZone.init(identifier:)) ?? reportingZone
        return AnalyticsScope(asOf: try readDate(asOf, option: "--as-of", in: zone), since: try window.since(in: zone),
                              until: try window.until(in: zone), country: country,
                              timeZone: timezone.flatMap(TimeZone.init(identifier:)), currency: currency)
    }
}

/// `--since/--until`: the window every scoped command takes, read by `DateOption`'s one rule.
/// What the window selects depends on the command (docs/QUERIES.md, "Scope options"): cohorts
/// or periods for the questions, orders for rfm, the first-purchase cohort for the commands
/// about customers.
struct WindowArguments: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Start of the window (\(DateOption.help)): retention and activity, cohorts or periods from the one holding it; rfm and recommend, only orders from it; segments, score and clv summary, only customers whose first purchase is from it.",
        valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp(
        "End of the window: retention and activity, cohorts or periods up to the one holding the day before it; segments, score and clv summary, only customers whose first purchase is before it.",
        valueName: "date"))
    var until: String?

    func validate() throws {
        if let since { try validateDate(since, option: "--since") }
        if let until { try validateDate(until, option: "--until") }
    }

    /// `--since` as an instant in `zone`.
    func since(in zone: TimeZone) throws -> Int64? { try readDate(since, option: "--since", in: zone) }

    /// `--until` as an instant in `zone`.
    func until(in zone: TimeZone) throws -> Int64? { try readDate(until, option: "--until", in: zone) }
}

/// `--country`: only customers of one country; one no customer has is refused, naming the
/// nearest stored countries (`Warehouse.resolve`, `Warehouse.customers(in:asOf:)`).
struct CountryArgument: ParsableArguments {
    @Option(help: ArgumentHelp("Only customers of this country (as stored in users.country, e.g. 'United Kingdom').", valueName: "name"))
    var country: String?
}

/// The scope of the commands about customers (`segments`, `score`, `clv summary`): `--country`
/// and the first-purchase window `--since/--until`, the same options as the questions'.
struct CustomerScopeArguments: ParsableArguments {
    @OptionGroup var window: WindowArguments
    @OptionGroup var countryArgument: CountryArgument

    /// Whether any of the options was given.
    var isGiven: Bool { window.since != nil || window.until != nil || countryArgument.country != nil }

    /// The customers' scope, dates read in the warehouse's reporting time zone.
    func scope(for warehouse: some ReportingZoneReader) throws -> CustomerScope {
        let zone = try warehouse.reportingTimeZone()
        return CustomerScope(country: countryArgument.country, since: try window.since(in: zone), until: try window.until(in: zone))
    }
}

/// A date option's instant in `zone` (nil when not given), by `DateOption`'s one rule.
private func readDate(_ text: String?, option: String, in zone: TimeZone) throws -> Int64? {
    guard let text else { return nil }
    do { return try AnalyticsScope.instant(text, in: zone, option: option) } catch { throw ValidationError("\(error)") }
}

/// Refuses a date or instant option that cannot be read in any zone, while arguments are
/// validated, so the error ends with the command's own usage.
func validateDate(_ text: String, option: String) throws {
    do { _ = try AnalyticsScope.instant(text, in: .gmt, option: option) } catch { throw ValidationError("\(error)") }
}

/// Whether standard output is a terminal that takes colour (NO_COLOR unset, TERM not dumb).
func colourTerminal() -> Bool {
    let environment = ProcessInfo.processInfo.environment
    return isTerminal(STDOUT_FILENO) && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
}

/// Prints notes to standard error (for csv and jsonl, which hold rows only).
func printNotes(_ notes: [String]) {
    for note in notes { printError(note) }
}

/// Prints an answer in `format`; csv and jsonl send its notes to standard error. The machine
/// formats go out a row at a time through a 64 KiB buffer, so a large answer (a daily retention
/// triangle has 600,000 rows) is never copied into one string or one JSON tree; `rows`, when
/// given, makes the rows as they are written instead of `answer.table.rows`.
func emit(_ answer: Answer, as format: OutputFormat, rows: RowProducer? = nil) {
    let output = BufferedOutput()
    defer { output.flush() }
    switch format {
    case .table, .markdown:
        print(answer.rendered(as: format, width: tableWidth(format)), terminator: "")
    case .json:
        do {
            try answer.writeJSON(rows: rows, output.write)
            output.write("\n")
        } catch {
            output.flush()
            printError("\nError: the answer cannot be written as JSON: \(error)")
            exit(1)
        }
    case .csv, .jsonl:
        answer.table.writeLines(as: format, rows: rows, output.write)
        output.flush()
        printNotes(answer.notes)
    }
}

/// Standard output through a 64 KiB buffer.
final class BufferedOutput {
    private var buffer = ""

    func write(_ text: String) {
        buffer += text
        if buffer.utf8.count >= 1 << 16 { flush() }
    }

    func flush() {
        print(buffer, terminator: "")
        buffer.removeAll(keepingCapacity: true)
    }
}

extension Period: ExpressibleByArgument {}
extension RetentionMode: ExpressibleByArgument {}
extension RetentionMetric: ExpressibleByArgument {}
extension CohortKind: ExpressibleByArgument {}
extension ActivitySource: ExpressibleByArgument {}
extension ActivityKinds: ExpressibleByArgument {}
extension ChurnModelKind: ExpressibleByArgument {}
extension ChurnSequenceShape.Period: ExpressibleByArgument {}
