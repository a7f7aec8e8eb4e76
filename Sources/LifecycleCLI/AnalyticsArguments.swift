import ArgumentParser
import Foundation
import Warehouse

/// The scope options of the analytics commands: as-of, since/until, country, time zone, currency.
struct ScopeArguments: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp(
        "Use only facts before this date (\(DateOption.help)). Default: the day after the last order.",
        valueName: "date"))
    var asOf: String?

    @Option(help: ArgumentHelp("Start of the window: only cohorts or periods from the one holding this date (rfm: only orders from it).", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("End of the window: only cohorts or periods up to the one holding the day before this date.", valueName: "date"))
    var until: String?

    @Option(help: ArgumentHelp("Only customers of this country (as stored in users.country, e.g. 'United Kingdom').", valueName: "name"))
    var country: String?

    @Option(name: .customLong("timezone"), help: ArgumentHelp(
        "Reporting time zone for periods and dates, e.g. Europe/London (default: the warehouse's, UTC unless set).", valueName: "zone"))
    var timezone: String?

    @Option(help: ArgumentHelp(
        "Only orders in this currency (ISO 4217, e.g. GBP). Needed when the orders in scope are in several currencies, which are never added together.",
        valueName: "code"))
    var currency: String?

    func validate() throws {
        for (text, option) in [(asOf, "--as-of"), (since, "--since"), (until, "--until")] {
            if let text { try validateDate(text, option: option) }
        }
        if let currency, CurrencyCode.normalized(currency) == nil {
            throw ValidationError(CurrencyCode.refusal(currency, source: "--currency"))
        }
        if let timezone, TimeZone(identifier: timezone) == nil {
            throw ValidationError("--timezone \(timezone) is not a known time zone (try Europe/London, UTC, America/New_York)")
        }
    }

    /// The scope, with dates read in the reporting zone (`--timezone`, else the warehouse's).
    func scope(for warehouse: Warehouse) throws -> AnalyticsScope {
        let zone = try timezone.flatMap(TimeZone.init(identifier:)) ?? warehouse.reportingTimeZone()
        func instant(_ text: String?, _ option: String) throws -> Int64? {
            guard let text else { return nil }
            do { return try AnalyticsScope.instant(text, in: zone, option: option) } catch { throw ValidationError("\(error)") }
        }
        return AnalyticsScope(asOf: try instant(asOf, "--as-of"), since: try instant(since, "--since"),
                              until: try instant(until, "--until"), country: country,
                              timeZone: timezone.flatMap(TimeZone.init(identifier:)), currency: currency)
    }
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

/// Prints an answer in `format`; csv and jsonl send its notes to standard error.
func emit(_ answer: Answer, as format: OutputFormat) {
    print(answer.rendered(as: format), terminator: "")
    if format == .csv || format == .jsonl { printNotes(answer.notes) }
}

extension Period: ExpressibleByArgument {}
extension RetentionMode: ExpressibleByArgument {}
extension RetentionMetric: ExpressibleByArgument {}
extension CohortKind: ExpressibleByArgument {}
extension ActivitySource: ExpressibleByArgument {}
extension ActivityKinds: ExpressibleByArgument {}
extension ChurnModelKind: ExpressibleByArgument {}
