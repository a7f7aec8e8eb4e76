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

    @Option(name: .customLong("observation-end"), help: "Last day of the observation (YYYY-MM-DD, inclusive, reporting time zone). Default: the day of the last purchase.")
    var observationEnd: DateArgument?

    func run() throws {
        let warehouse = try database.openForReading()
        guard let lastDay = try warehouse.lastPurchaseDay(currency: currencyOption.currency) else {
            throw ValidationError("the warehouse has no purchases: import some first")
        }
        let end = observationEnd.map { LifetimeCalendar.day(ofDate: $0.instant) } ?? lastDay
        let purchases = try warehouse.lifetimePurchases(through: end, currency: currencyOption.currency)
        let summaries = purchases.summaries(observationEnd: end, period: period)
        let names = try warehouse.customerIDs()
        let format = output.resolved
        let repeatBuyers = summaries.filter { $0.frequency > 0 }.count
        let table = Table(
            columns: ["customer", "frequency", "recency", "T", "monetary_value"],
            rows: summaries.map { s in
                [names[Int64(s.customer)] ?? String(s.customer), String(s.frequency),
                 LifetimeNumber.text(s.recency, format), LifetimeNumber.text(s.age, format), LifetimeNumber.text(s.monetaryValue, format)]
            },
            notes: ["\(grouped(summaries.count)) customers with a purchase on or before \(LifetimeCalendar.date(end)), \(grouped(repeatBuyers)) with repeat purchases; recency and T in \(period.rawValue)s; monetary_value is the mean of the repeat purchases (0 without)\(purchases.currency.map { ", in \($0)" } ?? "")"],
            numericColumns: [1, 2, 3, 4])
        print(table.rendered(as: format), terminator: "")
    }
}

/// Numbers of the lifetime commands: four decimals for people, every digit for machines.
enum LifetimeNumber {
    static func text(_ value: Double, _ format: OutputFormat) -> String {
        format == .table || format == .markdown ? String(format: "%.4f", value) : "\(value)"
    }
}
