import ArgumentParser
import Foundation
import Learning
import Warehouse

/// `lifecycle clv summary`: the customer summary the lifetime-value models are fitted on.
struct ClvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clv",
        abstract: "Lifetime value: the per-customer summary the BG/NBD and Gamma-Gamma models see (train with `lifecycle train clv`).",
        subcommands: [ClvSummary.self])
}

struct ClvSummary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Per customer: frequency (repeat purchase periods; same-day orders are one), recency and age T since the first purchase, mean repeat value.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption
    @OptionGroup var currencyOption: CurrencyOption

    @Option(help: "Unit of recency and T: day or week.")
    var period: SummaryPeriod = .week

    @Option(name: .customLong("observation-end"), help: ArgumentHelp("Last day of the observation (inclusive; \(DateOption.help)). Default: the day of the last purchase.", valueName: "date"))
    var observationEnd: DateArgument?

    @OptionGroup(title: "Scope (only these customers are summed; each with all her purchases)")
    var customerScope: CustomerScopeArguments

    func run() throws {
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForReading(url: url)
            return try database.onServer(url) { try summarize(warehouse) }
        }
        try summarize(try database.openForReading())
    }

    /// Prints the summary of either engine's purchases.
    private func summarize(_ warehouse: some LifetimeEngine) throws {
        guard let lastDay = try warehouse.lastPurchaseDay(currency: currencyOption.currency) else {
            throw ValidationError("the warehouse has no purchases: import some first")
        }
        let end = try observationEnd?.day(warehouse) ?? lastDay
        let scope = try customerScope.scope(for: warehouse)
        let purchases = try warehouse.lifetimePurchases(through: end, currency: currencyOption.currency, scope: scope)
        let summaries = purchases.summaries(observationEnd: end, period: period)
        let names = try warehouse.customerIDs()
        let repeatBuyers = summaries.filter { $0.frequency > 0 }.count
        let table = Table(
            columns: ["customer", "frequency", "recency", "T", "monetary_value"],
            rows: summaries.map { s in
                [.text(names[Int64(s.customer)] ?? String(s.customer)), .count(s.frequency),
                 .real(s.recency, decimals: 4), .real(s.age, decimals: 4), .money(micros: Self.micros(s.monetaryValue), currency: purchases.currency)]
            },
            notes: ["\(grouped(summaries.count)) customers\(scope.isEveryone ? "" : " " + scope.text(in: try warehouse.reportingTimeZone())) with a purchase on or before \(LifetimeCalendar.date(end)), \(grouped(repeatBuyers)) with repeat purchases; recency and T in \(period.rawValue)s; monetary_value is the mean of the repeat purchases (0 without)\(purchases.currency.map { ", in \($0)" } ?? ""), to the micro-unit"])
        let parameters = [JSONMember("period", .string(period.rawValue)), JSONMember("currency", cell: .textOrNull(purchases.currency)),
                          JSONMember("observation_end", .string(LifetimeCalendar.date(end)))] + scope.answerParameters
        emit(Answer(question: "clv summary", parameters: parameters, asOf: nil, table: table), as: output.resolved)
    }

    /// A mean amount in micro-units, rounded half away from zero to the micro-unit (the models
    /// fit it as a double; machine formats then write it as exact money, not `25.549999999999997`).
    static func micros(_ amount: Double) -> Int64 { Int64((amount * 1_000_000).rounded()) }
}
