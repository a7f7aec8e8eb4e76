import Foundation
import Learning
import Warehouse

extension DemoCommand {
    /// Trains BG/NBD + Gamma-Gamma on all but the last 13 weeks, checks it on them, stores and
    /// promotes it, and shows the five customers with the highest lifetime value.
    func lifetimeStep(_ warehouse: Warehouse, dataEnd: Int64) throws -> [String] {
        guard let lastDay = try warehouse.lastPurchaseDay() else { return ["no purchases"] }
        let training = try warehouse.trainLifetimeValue(LifetimeTrainingOptions(
            period: .week, observationEnd: lastDay - 91, holdoutEnd: lastDay))
        let stored = try warehouse.storeLifetimeValue(training, promote: true)
        let m = training.model
        var lines = [
            String(format: "r %.4f, alpha %.4f, a %.4f, b %.4f (BG/NBD); p %.4f, q %.4f, gamma %.4f (Gamma-Gamma)",
                   m.purchases.r, m.purchases.alpha, m.purchases.a, m.purchases.b, m.spend.p, m.spend.q, m.spend.gamma),
        ]
        if let holdout = training.holdout {
            lines.append(String(format: "holdout %@ … %@: %@ repeat purchases, %.1f predicted",
                                LifetimeCalendar.date(training.options.observationEnd + 1), LifetimeCalendar.date(holdout.holdoutEnd),
                                grouped(holdout.actualTotal), holdout.predictedTotal))
        }
        lines.append("stored as \(stored.snapshot.reference)\(stored.promoted ? ", now production" : "")")
        let scores = try warehouse.scoreLifetimeValue(stored.snapshot, asOf: dataEnd)
        lines += ["", "The five customers with the highest 12-month lifetime value as of \(CalendarDate.day(dataEnd)) (of \(grouped(scores.count)) scored):"]
        let top = Table(columns: ["user", "P(alive)", "expected purchases", "lifetime value"],
                        rows: scores.prefix(5).map {
                            [.text($0.externalID), .real($0.probabilityAlive, decimals: 3), .real($0.expectedPurchases, decimals: 2),
                             .real($0.lifetimeValue, decimals: 2)]
                        })
        return lines + top.rendered(as: .table).split(separator: "\n").map(String.init)
    }
}
