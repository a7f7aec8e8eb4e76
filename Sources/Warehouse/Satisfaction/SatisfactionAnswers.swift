import Foundation
import Learning

/// What `train satisfaction` and `satisfaction` answer (docs/OUTPUT.md, docs/satisfaction.md).
public enum SatisfactionAnswers {
    /// The recursion's inputs and how each period's signals become them.
    public static let inputDefinitions: [(name: String, definition: String)] = [
        ("purchases", "ln(1 + purchase orders in the period)"),
        ("interactions", "ln(1 + view and add_to_cart events in the period)"),
        ("review", "(mean review score in the period - 3) / 2, 0 without a review"),
        ("returns", "ln(1 + return orders in the period)"),
    ]

    /// `train satisfaction`: the weights (initial and fitted) as rows, the holdout check beside.
    public static func training(_ training: SatisfactionTraining) -> Answer {
        let fit = training.fit
        let weights = Table(
            columns: ["parameter", "initial", "fitted"],
            rows: zip(SatisfactionModel.parameterNames, zip(fit.initial.vector, fit.model.vector)).map {
                [.text($0.0), .real($0.1.0, decimals: 4), .real($0.1.1, decimals: 4)]
            },
            notes: [
                "S(t) = σ(bias + w_state·S(t−1) + w_purchases·U₁ + w_interactions·U₂ + w_review·Q₁ + w_returns·Q₂), S before the first activity = σ(initial_logit); fitted so that S(t) predicts a purchase in period t + 1 (docs/satisfaction.md)",
                String(format: "training: %@ customers, %@ (customer, %@) pairs before %@, next-period purchase rate %.4f; objective %.6f → %.6f (log loss %.6f → %.6f) in %d L-BFGS iterations, %.3f s (reading %.3f s)",
                       Format.count(training.trainingCustomers), Format.count(fit.pairs), training.shape.period.rawValue, CalendarDate.day(training.asOf),
                       fit.positiveRate, fit.initialObjective, fit.objective, fit.initialLogLoss, fit.logLoss, fit.iterations,
                       training.trainingSeconds, training.readingSeconds),
            ])
        let holdout = training.holdout
        func row(_ label: String, _ model: Double?, _ baseline: Double?) -> [Cell] {
            [.text(label), .realOrNull(model, decimals: 4), .realOrNull(baseline, decimals: 4)]
        }
        let check = Table(
            columns: ["metric", "model", "recency baseline"],
            rows: [row("ROC AUC", holdout.model.rocAUC, holdout.baseline.rocAUC),
                   row("log loss", holdout.model.logLoss, holdout.baseline.logLoss),
                   row("Brier score", holdout.model.brierScore, holdout.baseline.brierScore)],
            notes: [String(format: "holdout: scores as of %@ against a purchase in the %@ after it (%@ customers, %.4f bought); the baseline is a logistic regression on ln(1 + days since the last order or event), fitted on the same pairs",
                           CalendarDate.day(holdout.asOf), training.shape.period.rawValue, Format.count(holdout.customers), holdout.activeRate)])
        let parameters = [
            JSONMember("period", .string(training.shape.period.rawValue)),
            JSONMember("periods", .integer(Int64(training.shape.periods))),
            JSONMember("evaluation_as_of", .string(RegistryClock.iso(holdout.asOf))),
            JSONMember("training_customers", .integer(Int64(training.trainingCustomers))),
            JSONMember("training_pairs", .integer(Int64(fit.pairs))),
            JSONMember("evaluation_customers", .integer(Int64(holdout.customers))),
            JSONMember("iterations", .integer(Int64(fit.iterations))),
            JSONMember("training_seconds", .number(training.trainingSeconds)),
        ]
        return Answer(question: "train satisfaction", parameters: parameters, asOf: training.asOf, table: weights,
                      sections: [Answer.Section(key: "holdout", title: "Holdout: predicting a purchase in the next period", table: check)])
    }

    /// `satisfaction`: one row per customer, least satisfied first (the first `limit` when
    /// given), and the distribution of every customer's score in tenths.
    public static func scores(_ scores: SatisfactionScores, model: ModelSnapshot, limit: Int? = nil) -> Answer {
        let shown = limit.map { Array(scores.scores.prefix($0)) } ?? scores.scores
        let table = Table(
            columns: ["customer", "satisfaction", Column("previous period", key: "previous"), Column("periods observed", key: "periods_observed"),
                      Column("purchases in last period", key: "last_period_purchases"), Column("returns in last period", key: "last_period_returns"),
                      Column("reviews in last period", key: "last_period_reviews"), Column("mean review score", key: "last_period_review_score"),
                      Column("days since activity", key: "days_since_activity")],
            rows: shown.map { s in
                [.text(s.externalID), .real(s.score, decimals: 4), .realOrNull(s.previous, decimals: 4), .count(s.periodsObserved),
                 .integer(s.lastPeriod.purchases), .integer(s.lastPeriod.returns), .integer(s.lastPeriod.reviews),
                 .realOrNull(s.lastPeriod.meanReviewScore, decimals: 2), .realOrNull(s.lastPeriod.daysSinceActivity, decimals: 1)]
            },
            notes: ["\(Format.count(scores.scores.count)) customers with a purchase before \(CalendarDate.day(scores.asOf)), \(shown.count == scores.scores.count ? "all shown" : "the \(shown.count) least satisfied shown"); S is \(model.reference)'s probability of a purchase in the next \(scores.shape.period.rawValue), built period by period over \(scores.shape.periods) \(scores.shape.period.rawValue)s (docs/satisfaction.md)"])
        var counts = [Int](repeating: 0, count: 10)
        var days = [Double](repeating: 0, count: 10)
        for s in scores.scores {
            let bin = min(Int(s.score * 10), 9)
            counts[bin] += 1
            days[bin] += s.lastPeriod.daysSinceActivity ?? 0
        }
        let total = max(scores.scores.count, 1)
        let distribution = Table(
            columns: ["lower", "upper", "customers", "share", Column("mean days since activity", key: "mean_days_since_activity")],
            rows: (0..<10).map { bin in
                [.real(Double(bin) / 10, decimals: 1), .real(Double(bin + 1) / 10, decimals: 1), .count(counts[bin]),
                 .share(Double(counts[bin]) / Double(total)), counts[bin] == 0 ? .null : .real(days[bin] / Double(counts[bin]), decimals: 1)]
            })
        let parameters = [JSONMember("model", .string(model.reference)), JSONMember("period", .string(scores.shape.period.rawValue)),
                          JSONMember("periods", .integer(Int64(scores.shape.periods))), JSONMember("customers", .integer(Int64(scores.scores.count))),
                          JSONMember("limit", limit.map { .integer(Int64($0)) } ?? .null)]
        return Answer(question: "satisfaction", parameters: parameters, asOf: scores.asOf, table: table,
                      sections: [Answer.Section(key: "distribution", title: "Distribution of S", table: distribution)])
    }
}
