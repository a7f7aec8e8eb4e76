import Foundation

extension SummaryPeriod {
    /// Periods per month as the lifetimes package counts them: 30 days, 4.345 weeks.
    public var periodsPerMonth: Double {
        switch self {
        case .day: 30
        case .week: 4.345
        }
    }
}

/// Discounted customer lifetime value from a purchase model (``BGNBDModel``) and a spend model
/// (``GammaGammaModel``), computed like the lifetimes package's `customer_lifetime_value`.
public struct CustomerLifetimeValue: Sendable, Equatable {
    /// Predicts how many purchases a customer makes.
    public var purchases: BGNBDModel
    /// Predicts how much each purchase is worth.
    public var spend: GammaGammaModel

    /// Pairs a fitted purchase model and spend model (fitted in the same time unit and currency).
    public init(purchases: BGNBDModel, spend: GammaGammaModel) {
        self.purchases = purchases
        self.spend = spend
    }

    /// Σᵢ₌₁…months E[purchases in month i | history] · E[M | x, m̄] / (1 + d)ⁱ.
    ///
    /// Month i covers ((i−1)·k, i·k] periods after the end of observation, with k =
    /// `period.periodsPerMonth`; E[M | x, m̄] is the Gamma-Gamma conditional mean (the population
    /// mean for x = 0).
    ///
    /// - Parameters:
    ///   - summary: the customer's x, tₓ, T (in `period` units) and mean repeat value m̄.
    ///   - months: horizon in months.
    ///   - monthlyDiscountRate: d, e.g. 0.01 for 1% a month.
    ///   - period: the time unit of the summary and of the BG/NBD model.
    public func discountedValue(
        of summary: CustomerSummary, months: Int = 12, monthlyDiscountRate: Double = 0.01, period: SummaryPeriod
    ) -> Double {
        discountedValue(history: summary.purchaseHistory, spendHistory: summary.spendHistory, months: months,
                        monthlyDiscountRate: monthlyDiscountRate, periodsPerMonth: period.periodsPerMonth)
    }

    /// The same as ``discountedValue(of:months:monthlyDiscountRate:period:)`` with explicit inputs.
    public func discountedValue(
        history: PurchaseHistory, spendHistory: SpendHistory, months: Int, monthlyDiscountRate: Double,
        periodsPerMonth: Double
    ) -> Double {
        precondition(months >= 0, "months must be non-negative, got \(months)")
        precondition(periodsPerMonth > 0, "periodsPerMonth must be positive, got \(periodsPerMonth)")
        let value = spend.conditionalExpectedAverageValue(spendHistory)
        var total = 0.0
        var previous = 0.0
        for month in stride(from: 1, through: months, by: 1) {
            let cumulative = purchases.expectedPurchases(in: Double(month) * periodsPerMonth, given: history)
            total += (cumulative - previous) * value / pow(1 + monthlyDiscountRate, Double(month))
            previous = cumulative
        }
        return total
    }
}
