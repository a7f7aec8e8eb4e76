import ArgumentParser
import Foundation
import Learning
import Warehouse

extension SummaryPeriod: ExpressibleByArgument {}

/// `lifecycle train clv`: BG/NBD + Gamma-Gamma lifetime value.
struct TrainClv: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clv",
        abstract: "BG/NBD (purchases) + Gamma-Gamma (spend) lifetime value by maximum likelihood, checked on the weeks after the calibration period.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var currencyOption: CurrencyOption

    @Option(help: "Unit of recency, age and alpha: day or week.")
    var period: SummaryPeriod = .week

    @Option(name: .customLong("observation-end"), help: "Last day of the calibration period (YYYY-MM-DD, inclusive, reporting time zone). Default: the day of the last purchase.")
    var observationEnd: DateArgument?

    @Option(name: .customLong("holdout-end"), help: "Last day of the holdout the model is checked on. Default: the day of the last purchase, when it is after --observation-end.")
    var holdoutEnd: DateArgument?

    @Option(help: "Lifetime value horizon in months.")
    var months = 12

    @Option(name: .customLong("discount"), help: "Monthly discount rate of the lifetime value (0.01 = 1% a month).")
    var discount = 0.01

    @Option(name: .customLong("l2"), help: "L2 penalty on both models' parameters (0: plain maximum likelihood, as in the papers). Keep it small (0.001): it also shrinks the spend model, whose gamma is in currency units.")
    var l2 = 0.0

    @Flag(help: "Point the production alias at the new version when there is none yet, or when its holdout error is lower than production's.")
    var promote = false

    @Option(help: "Output format: table, csv, json or markdown.")
    var format: OutputFormat = .table

    func validate() throws {
        if months < 1 { throw ValidationError("--months must be at least 1") }
        if discount < 0 { throw ValidationError("--discount must be >= 0") }
        if l2 < 0 { throw ValidationError("--l2 must be >= 0") }
    }

    func run() throws {
        let warehouse = try database.openForWriting()
        guard let lastDay = try warehouse.lastPurchaseDay(currency: currencyOption.currency) else {
            throw ValidationError("the warehouse has no purchases: import some first")
        }
        let end = observationEnd.map { LifetimeCalendar.day(ofDate: $0.instant) } ?? lastDay
        let holdout = holdoutEnd.map { LifetimeCalendar.day(ofDate: $0.instant) } ?? (lastDay > end ? lastDay : nil)
        let options = LifetimeTrainingOptions(period: period, observationEnd: end, holdoutEnd: holdout, horizonMonths: months,
                                              monthlyDiscountRate: discount, penalty: l2, currency: currencyOption.currency)
        let training: LifetimeTraining
        do {
            training = try warehouse.trainLifetimeValue(options)
        } catch let error as LifetimeTrainingError {
            throw ValidationError(error.description)
        }
        let stored = try warehouse.storeLifetimeValue(training, promote: promote)
        if format == .json {
            try printJSON(RegistryJSON.snapshot(try warehouse.describe(parseReference(stored.snapshot.reference))))
        } else {
            print(LifetimeReport.render(training, format: format), terminator: "")
        }
        reportStored(stored.snapshot, promote: promote, promoted: stored.promoted, note: stored.promotionNote)
    }
}

/// The parameters and holdout check of a lifetime-value training, as tables.
enum LifetimeReport {
    static func render(_ training: LifetimeTraining, format: OutputFormat) -> String {
        let m = training.model
        let unit = training.options.period.rawValue
        let parameters = Table(
            columns: ["model", "parameter", "value"],
            rows: [("BG/NBD", "r", m.purchases.r), ("BG/NBD", "alpha", m.purchases.alpha), ("BG/NBD", "a", m.purchases.a),
                   ("BG/NBD", "b", m.purchases.b), ("Gamma-Gamma", "p", m.spend.p), ("Gamma-Gamma", "q", m.spend.q),
                   ("Gamma-Gamma", "gamma", m.spend.gamma)].map { [$0.0, $0.1, String(format: "%.4f", $0.2)] },
            notes: [
                "calibration: purchases to \(LifetimeCalendar.date(training.options.observationEnd)) inclusive, time in \(unit)s; \(grouped(training.customers)) customers, \(grouped(training.spendCustomers)) repeat buyers with positive spend",
                String(format: "BG/NBD log-likelihood %.4f (%d iterations); Gamma-Gamma %.4f (%d iterations); mean order value %.2f",
                       training.purchaseFit.logLikelihood, training.purchaseFit.optimization.iterations,
                       training.spendFit.logLikelihood, training.spendFit.optimization.iterations, m.spend.expectedAverageValue),
            ],
            numericColumns: [2])
        var text = parameters.rendered(as: format)
        guard let holdout = training.holdout else { return text + "no holdout: there are no purchases after the calibration period\n" }
        let check = Table(
            columns: ["repeat purchases in calibration", "customers", "actual mean in holdout", "predicted mean"],
            rows: holdout.buckets.map { [$0.label, grouped($0.customers), String(format: "%.3f", $0.actualMean), String(format: "%.3f", $0.predictedMean)] },
            notes: [String(format: "holdout to %@ (%.2f %@s): %@ repeat purchases, %.1f predicted; mean absolute error %.4f per customer",
                           LifetimeCalendar.date(holdout.holdoutEnd), holdout.length, unit, grouped(holdout.actualTotal),
                           holdout.predictedTotal, holdout.meanAbsoluteError)],
            numericColumns: [1, 2, 3])
        text += "\n" + check.rendered(as: format)
        return text
    }
}
