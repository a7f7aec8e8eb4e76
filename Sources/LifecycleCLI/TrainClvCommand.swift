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

    @Option(name: .customLong("observation-end"), help: ArgumentHelp("Last day of the calibration period (inclusive; \(DateOption.help)). Default: the day of the last purchase.", valueName: "date"))
    var observationEnd: DateArgument?

    @Option(name: .customLong("holdout-end"), help: ArgumentHelp("Last day of the holdout the model is checked on (same form). Default: the day of the last purchase, when it is after --observation-end.", valueName: "date"))
    var holdoutEnd: DateArgument?

    @Option(help: "Lifetime value horizon in months.")
    var months = 12

    @Option(name: .customLong("discount"), help: "Monthly discount rate of the lifetime value (0.01 = 1% a month).")
    var discount = 0.01

    @Option(name: .customLong("l2"), help: "L2 penalty on both models' parameters (0: plain maximum likelihood, as in the papers). Keep it small (0.001): it also shrinks the spend model, whose gamma is in currency units.")
    var l2 = 0.0

    @Flag(help: "Point the production alias at the new version when there is none yet, or when its holdout error is lower than production's.")
    var promote = false

    @Option(help: "Output format: table, csv, json, jsonl or markdown (docs/OUTPUT.md).")
    var format: OutputFormat = .table

    func validate() throws {
        if months < 1 { throw ValidationError("--months must be at least 1") }
        if discount < 0 { throw ValidationError("--discount must be >= 0") }
        if l2 < 0 { throw ValidationError("--l2 must be >= 0") }
    }

    func run() throws {
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForWriting(url: url)
            try database.onServer(url) { try train(on: warehouse, lastDay: try warehouse.lastPurchaseDay(currency: currencyOption.currency)) }
            return
        }
        let warehouse = try database.openForWriting()
        try train(on: warehouse, lastDay: try warehouse.lastPurchaseDay(currency: currencyOption.currency))
    }

    /// Fits, stores and reports on either engine; `lastDay` is the day of the last purchase.
    private func train(on warehouse: some LifetimeEngine, lastDay: Int64?) throws {
        guard let lastDay else {
            throw ValidationError("the warehouse has no purchases: import some first")
        }
        let end = try observationEnd?.day(warehouse) ?? lastDay
        let holdout = try holdoutEnd?.day(warehouse) ?? (lastDay > end ? lastDay : nil)
        let options = LifetimeTrainingOptions(period: period, observationEnd: end, holdoutEnd: holdout, horizonMonths: months,
                                              monthlyDiscountRate: discount, penalty: l2, currency: currencyOption.currency)
        let training: LifetimeTraining
        do {
            training = try warehouse.trainLifetimeValue(options)
        } catch let error as LifetimeTrainingError {
            throw ValidationError(error.description)
        }
        let stored = try warehouse.storeLifetimeValue(training, promote: promote)
        emit(LifetimeReport.answer(training), as: format)
        reportStored(stored.snapshot, promote: promote, promoted: stored.promoted, note: stored.promotionNote)
    }
}

/// The parameters and holdout check of a lifetime-value training, as tables.
enum LifetimeReport {
    /// What `train clv` answers: the fitted parameters as rows and the holdout check by
    /// calibration frequency beside them (`holdout`, empty when there is no holdout).
    static func answer(_ training: LifetimeTraining) -> Answer {
        let m = training.model
        let unit = training.options.period.rawValue
        let parameters = Table(
            columns: ["model", "parameter", "value"],
            rows: [("BG/NBD", "r", m.purchases.r), ("BG/NBD", "alpha", m.purchases.alpha), ("BG/NBD", "a", m.purchases.a),
                   ("BG/NBD", "b", m.purchases.b), ("Gamma-Gamma", "p", m.spend.p), ("Gamma-Gamma", "q", m.spend.q),
                   ("Gamma-Gamma", "gamma", m.spend.gamma)].map { [.text($0.0), .text($0.1), .real($0.2, decimals: 4)] },
            notes: [
                "calibration: purchases to \(LifetimeCalendar.date(training.options.observationEnd)) inclusive, time in \(unit)s; \(grouped(training.customers)) customers, \(grouped(training.spendCustomers)) repeat buyers with positive spend",
                String(format: "BG/NBD log-likelihood %.4f (%d iterations); Gamma-Gamma %.4f (%d iterations); mean order value %.2f",
                       training.purchaseFit.logLikelihood, training.purchaseFit.optimization.iterations,
                       training.spendFit.logLikelihood, training.spendFit.optimization.iterations, m.spend.expectedAverageValue),
            ] + (training.spendFit.atHomogeneousLimit ? [
                "Gamma-Gamma: customers' spend per order differs only by order-to-order noise, so the likelihood rises toward q → ∞ "
                + "(no customer is a bigger spender than another beyond chance); stored at that limit with q = \(grouped(Int(m.spend.q))), where every "
                + "customer's expected order value is within about 1% of the shop's mean",
            ] : []))
        let parametersOfQuestion = [JSONMember("period", .string(training.options.period.rawValue)),
                                    JSONMember("observation_end", .string(LifetimeCalendar.date(training.options.observationEnd))),
                                    JSONMember("customers", .integer(Int64(training.customers)))]
        let columns: [Column] = [Column("repeat purchases in calibration", key: "calibration_repeat_purchases"), "customers",
                                 Column("actual mean in holdout", key: "holdout_actual_mean"), Column("predicted mean", key: "holdout_predicted_mean")]
        guard let holdout = training.holdout else {
            var table = parameters
            table.notes.append("no holdout: there are no purchases after the calibration period")
            return Answer(question: "train clv", parameters: parametersOfQuestion, table: table,
                          sections: [Answer.Section(key: "holdout", title: "", table: Table(columns: columns, rows: []))])
        }
        let check = Table(
            columns: columns,
            rows: holdout.buckets.map { [.text($0.label), .count($0.customers), .real($0.actualMean, decimals: 3), .real($0.predictedMean, decimals: 3)] },
            notes: [String(format: "holdout to %@ (%.2f %@s): %@ repeat purchases, %.1f predicted; mean absolute error %.4f per customer",
                           LifetimeCalendar.date(holdout.holdoutEnd), holdout.length, unit, grouped(holdout.actualTotal),
                           holdout.predictedTotal, holdout.meanAbsoluteError)])
        return Answer(question: "train clv", parameters: parametersOfQuestion, table: parameters,
                      sections: [Answer.Section(key: "holdout", title: "", table: check)])
    }
}
