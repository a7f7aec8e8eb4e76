import Foundation
import Learning

/// Settings of one lifetime-value training run.
public struct LifetimeTrainingOptions: Sendable {
    /// The unit of recency, age and the model's α.
    public var period: SummaryPeriod
    /// Last day of the calibration period (days since 1970-01-01, reporting time zone, inclusive).
    public var observationEnd: Int64
    /// Last day of the holdout, when there is data after the calibration period to check on.
    public var holdoutEnd: Int64?
    /// Lifetime value horizon in months and the monthly discount rate.
    public var horizonMonths: Int
    public var monthlyDiscountRate: Double
    /// L2 penalty of both fits (0: plain maximum likelihood).
    public var penalty: Double
    /// Only purchases in this currency; nil: the one currency of the orders.
    public var currency: String?

    public init(period: SummaryPeriod, observationEnd: Int64, holdoutEnd: Int64? = nil, horizonMonths: Int = 12,
                monthlyDiscountRate: Double = 0.01, penalty: Double = 0, currency: String? = nil) {
        self.period = period
        self.observationEnd = observationEnd
        self.holdoutEnd = holdoutEnd
        self.horizonMonths = horizonMonths
        self.monthlyDiscountRate = monthlyDiscountRate
        self.penalty = penalty
        self.currency = currency
    }
}

/// A fitted lifetime-value model with what its snapshot records.
public struct LifetimeTraining: Sendable {
    public let model: CustomerLifetimeValue
    public let options: LifetimeTrainingOptions
    public let purchaseFit: BGNBDFit
    public let spendFit: GammaGammaFit
    /// Customers in the calibration summary, and those with repeat purchases and positive spend
    /// the Gamma-Gamma model was fitted on.
    public let customers: Int
    public let spendCustomers: Int
    /// Instant of the first purchase used (the training window's start).
    public let firstPurchaseDay: Int64
    public let fingerprint: String
    public let holdout: LifetimeHoldout?
    /// The purchases read, through the holdout: promotion checks production on them too.
    let purchases: LifetimePurchases
    /// The currency of the spend the model was fitted on.
    public var currency: String? { purchases.currency }
}

/// Why a lifetime-value model could not be trained.
public struct LifetimeTrainingError: Error, CustomStringConvertible {
    public let description: String
}

extension LifetimeEngine {
    /// Fits BG/NBD to every customer's calibration summary and Gamma-Gamma to the repeat buyers,
    /// then, with a holdout end, compares predicted and actual repeat purchases in the holdout.
    public func trainLifetimeValue(_ options: LifetimeTrainingOptions) throws -> LifetimeTraining {
        if let end = options.holdoutEnd, end <= options.observationEnd {
            throw LifetimeTrainingError(description: "the holdout must end after the calibration period (\(LifetimeCalendar.date(options.observationEnd)))")
        }
        let purchases = try lifetimePurchases(through: options.holdoutEnd ?? options.observationEnd, currency: options.currency, scope: CustomerScope())
        let summaries = purchases.summaries(observationEnd: options.observationEnd, period: options.period)
        let what = "lifetime value as of \(LifetimeCalendar.date(options.observationEnd))"
        guard summaries.count >= 10, summaries.contains(where: { $0.frequency > 0 }) else {
            throw LifetimeTrainingError(description: "\(what): \(summaries.count) customers and no repeat purchases before the end of the calibration period; choose a later --observation-end")
        }
        let purchaseFit: BGNBDFit
        let spendFit: GammaGammaFit
        let spend = summaries.filter { $0.frequency > 0 && $0.monetaryValue > 0 }.map(\.spendHistory)
        do {
            let grouped = LifetimeHistories(summaries)
            purchaseFit = try BGNBDModel.fit(grouped.histories, weights: grouped.weights,
                                             options: BGNBDFitOptions(penalty: options.penalty))
            spendFit = try GammaGammaModel.fit(spend, options: GammaGammaFitOptions(penalty: options.penalty))
        } catch {
            let hint = options.penalty > 0 ? "" : "; when the data do not pin the model down (no sign of customers dropping out, say) the maximum lies at infinity, and a small L2 penalty such as --l2 0.001 keeps the parameters finite"
            throw LifetimeTrainingError(description: "\(what): \(error)\(hint)")
        }
        // pγ/(q − 1) is the mean spend of a customer without repeat purchases: with q ≤ 1 it is
        // infinite and no lifetime value can be given.
        guard spendFit.model.q > 1 else {
            throw LifetimeTrainingError(description: String(format: "%@: the Gamma-Gamma fit gave q = %.4f ≤ 1, so the expected spend per order is infinite and lifetime value is undefined%@", what, spendFit.model.q,
                options.penalty > 0 ? "; the L2 penalty also shrinks the spend model's parameters (γ is in currency units): use a smaller --l2" : ""))
        }
        let holdout = options.holdoutEnd.map {
            LifetimeHoldout(model: purchaseFit.model, summaries: summaries, purchases: purchases,
                            observationEnd: options.observationEnd, holdoutEnd: $0, period: options.period)
        }
        return LifetimeTraining(
            model: CustomerLifetimeValue(purchases: purchaseFit.model, spend: spendFit.model), options: options,
            purchaseFit: purchaseFit, spendFit: spendFit, customers: summaries.count, spendCustomers: spend.count,
            firstPurchaseDay: Int64(summaries.map(\.firstPurchaseDay).min() ?? 0),
            fingerprint: LifetimeHistories.fingerprint(summaries), holdout: holdout, purchases: purchases)
    }
}

/// Identical (x, tₓ, T) histories collapsed into one with a weight: the likelihood is the same
/// and the fit touches each distinct history once (CDNOW's 23,570 customers have far fewer).
struct LifetimeHistories {
    let histories: [PurchaseHistory]
    let weights: [Double]

    init(_ summaries: [CustomerSummary]) {
        struct Key: Hashable { let x: Int; let recency: UInt64; let age: UInt64 }
        var index: [Key: Int] = [:]
        var histories: [PurchaseHistory] = []
        var weights: [Double] = []
        for summary in summaries {
            let key = Key(x: summary.frequency, recency: summary.recency.bitPattern, age: summary.age.bitPattern)
            if let i = index[key] {
                weights[i] += 1
            } else {
                index[key] = histories.count
                histories.append(summary.purchaseHistory)
                weights.append(1)
            }
        }
        self.histories = histories
        self.weights = weights
    }

    /// SHA-256 of the summaries in order (user id, x, and the bits of tₓ, T and m̄).
    static func fingerprint(_ summaries: [CustomerSummary]) -> String {
        var fingerprint = DataFingerprint()
        for summary in summaries {
            fingerprint.add(Int64(summary.customer))
            fingerprint.add(Int64(summary.frequency))
            fingerprint.add([summary.recency, summary.age, summary.monetaryValue])
        }
        return fingerprint.hex()
    }
}

/// Day numbers (days since 1970-01-01 in the reporting time zone) as dates.
public enum LifetimeCalendar {
    /// `YYYY-MM-DD` of a day number.
    public static func date(_ day: Int64) -> String { CalendarDate.day(day * 86_400) }

    /// The day number of a `YYYY-MM-DD` date (the instant `CalendarDate.instant` gives for it).
    public static func day(ofDate instant: Int64) -> Int64 {
        instant >= 0 ? instant / 86_400 : (instant - 86_399) / 86_400
    }
}
