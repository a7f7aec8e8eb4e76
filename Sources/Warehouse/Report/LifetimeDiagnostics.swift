import Foundation
import Learning

/// The charts lifetimes users draw for a fitted BG/NBD model, computed from the stored
/// parameters on the model's own calibration period (its `observation_end`) and, when it was
/// trained with one, its holdout.
struct LifetimeDiagnostics: Sendable, Equatable {
    /// Last day of the calibration period (days since 1970-01-01, reporting time zone).
    let observationEnd: Int64
    let period: SummaryPeriod
    let matrix: FrequencyRecencyMatrix
    let periodTransactions: PeriodTransactions
    /// Mean holdout purchases by calibration frequency, actual and predicted (nil: trained
    /// without a holdout).
    let holdout: LifetimeHoldout?
}

extension LifetimeEngine {
    /// The diagnostics of `stored`, the model of `snapshot`; nil when the snapshot does not
    /// record its calibration end or no customer bought before it.
    func lifetimeDiagnostics(_ snapshot: ModelSnapshot, _ stored: LifetimeModel) throws -> LifetimeDiagnostics? {
        func day(_ name: String) -> Int64? {
            guard case .string(let text)? = snapshot.hyperparameters[name], let instant = CalendarDate.instant(text) else { return nil }
            return LifetimeCalendar.day(ofDate: instant)
        }
        guard let observationEnd = day("observation_end") else { return nil }
        let holdoutEnd = day("holdout_end").flatMap { $0 > observationEnd ? $0 : nil }
        let purchases = try lifetimePurchases(through: holdoutEnd ?? observationEnd, currency: stored.currency, scope: CustomerScope())
        let summaries = purchases.summaries(observationEnd: observationEnd, period: stored.period)
        guard !summaries.isEmpty else { return nil }
        let model = stored.model.purchases
        return LifetimeDiagnostics(
            observationEnd: observationEnd, period: stored.period,
            matrix: FrequencyRecencyMatrix(model: model, summaries: summaries, period: stored.period),
            periodTransactions: PeriodTransactions(model: model, summaries: summaries),
            holdout: holdoutEnd.map {
                LifetimeHoldout(model: model, summaries: summaries, purchases: purchases, observationEnd: observationEnd,
                                holdoutEnd: $0, period: stored.period)
            })
    }
}
