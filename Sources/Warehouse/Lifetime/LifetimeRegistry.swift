import Foundation
import Learning

/// What storing a lifetime-value training did.
public struct StoredLifetimeModel: Sendable {
    public let snapshot: ModelSnapshot
    /// Whether `production` now points at the new version, and why or why not.
    public let promoted: Bool
    public let promotionNote: String?
}

/// A stored lifetime-value model with the settings it predicts with.
public struct LifetimeModel: Sendable {
    public let model: CustomerLifetimeValue
    public let period: SummaryPeriod
    public let horizonMonths: Int
    public let monthlyDiscountRate: Double
    /// The currency it was trained on (nil: saved before currencies were recorded).
    public let currency: String?
}

extension Warehouse {
    /// Model name under which lifetime-value models are stored, on either engine.
    public static let lifetimeModelName = "clv"
}

extension LifetimeEngine {
    /// Stores a training as the next `clv` version. With `promote`, `production` moves to it when
    /// there is none yet, or when its mean absolute holdout error is below the production
    /// model's on the same customers and holdout.
    public func storeLifetimeValue(_ training: LifetimeTraining, promote: Bool) throws -> StoredLifetimeModel {
        let options = training.options
        let asOf = try instantAfter(day: options.observationEnd)
        let draft = ModelSnapshotDraft(
            name: Warehouse.lifetimeModelName, parameters: training.model.encodeParameters(),
            hyperparameters: .object([
                JSONMember("period", .string(options.period.rawValue)),
                JSONMember("observation_end", .string(LifetimeCalendar.date(options.observationEnd))),
                JSONMember("holdout_end", options.holdoutEnd.map { .string(LifetimeCalendar.date($0)) } ?? .null),
                JSONMember("horizon_months", .integer(Int64(options.horizonMonths))),
                JSONMember("monthly_discount_rate", .number(options.monthlyDiscountRate)),
                JSONMember("l2_penalty", .number(options.penalty)),
                JSONMember("reporting_time_zone", .string(try reportingTimeZoneName())),
                currencyMember(training.currency),
            ]),
            trainingAsOf: asOf, trainingWindow: min(try instantAfter(day: training.firstPurchaseDay - 1), asOf)...asOf,
            trainingRows: training.customers, dataFingerprint: training.fingerprint,
            metrics: training.metricsJSON)
        let snapshot = try saveSnapshot(draft, createdAt: RegistryClock.now())
        guard promote else { return StoredLifetimeModel(snapshot: snapshot, promoted: false, promotionNote: nil) }
        guard let current = try currentAliases(of: Warehouse.lifetimeModelName)[ModelNaming.production] else {
            try promoteToProduction(name: Warehouse.lifetimeModelName, version: snapshot.version, reason: "first lifetime-value model")
            return StoredLifetimeModel(snapshot: snapshot, promoted: true, promotionNote: "no production model before")
        }
        guard let holdout = training.holdout, let holdoutEnd = options.holdoutEnd else {
            return StoredLifetimeModel(snapshot: snapshot, promoted: false,
                                       promotionNote: "no holdout to compare with production v\(current): train with --holdout-end")
        }
        let incumbent = try lifetimeModel(try self.snapshot("\(Warehouse.lifetimeModelName)@\(current)", at: nil))
        if let theirs = incumbent.currency, let ours = training.currency, theirs != ours {
            return StoredLifetimeModel(snapshot: snapshot, promoted: false,
                                       promotionNote: "production v\(current) predicts in \(theirs), this version in \(ours): not compared")
        }
        let purchases = training.purchases
        let incumbentError = LifetimeHoldout(
            model: incumbent.model.purchases, summaries: purchases.summaries(observationEnd: options.observationEnd, period: incumbent.period),
            purchases: purchases, observationEnd: options.observationEnd, holdoutEnd: holdoutEnd, period: incumbent.period).meanAbsoluteError
        let note = String(format: "mean absolute error of holdout purchases per customer: v%d %.4f, production v%d %.4f",
                          snapshot.version, holdout.meanAbsoluteError, current, incumbentError)
        guard holdout.meanAbsoluteError < incumbentError else {
            return StoredLifetimeModel(snapshot: snapshot, promoted: false, promotionNote: note)
        }
        try promoteToProduction(name: Warehouse.lifetimeModelName, version: snapshot.version, reason: note)
        return StoredLifetimeModel(snapshot: snapshot, promoted: true, promotionNote: note)
    }

    /// The model and prediction settings of a stored `bgnbd_gamma_gamma` snapshot (checksum verified).
    public func lifetimeModel(_ snapshot: ModelSnapshot) throws -> LifetimeModel {
        let model = try loadModel(CustomerLifetimeValue.self, from: snapshot)
        guard case .string(let periodName)? = snapshot.hyperparameters["period"], let period = SummaryPeriod(rawValue: periodName),
              case .integer(let months)? = snapshot.hyperparameters["horizon_months"],
              let rate = snapshot.hyperparameters["monthly_discount_rate"]?.doubleValue else {
            throw LifetimeTrainingError(description: "\(snapshot.reference) does not record its period, horizon and discount rate; retrain it with `lifecycle train clv`")
        }
        return LifetimeModel(model: model, period: period, horizonMonths: Int(months), monthlyDiscountRate: rate,
                             currency: snapshot.currency)
    }
}

extension LifetimeTraining {
    /// The fits and the holdout check, as stored in the snapshot.
    var metricsJSON: JSONValue {
        var members: [JSONMember] = [
            JSONMember("bgnbd", .object([
                JSONMember("customers", .integer(Int64(customers))),
                JSONMember("log_likelihood", .number(purchaseFit.logLikelihood)),
                JSONMember("iterations", .integer(Int64(purchaseFit.optimization.iterations))),
            ])),
            JSONMember("gamma_gamma", .object([
                JSONMember("customers", .integer(Int64(spendCustomers))),
                JSONMember("log_likelihood", .number(spendFit.logLikelihood)),
                JSONMember("iterations", .integer(Int64(spendFit.optimization.iterations))),
                JSONMember("population_mean_order_value", .number(model.spend.expectedAverageValue)),
                JSONMember("at_homogeneous_limit", .bool(spendFit.atHomogeneousLimit)),
            ])),
        ]
        if let holdout { members.append(JSONMember("holdout", holdout.json)) }
        return .object(members)
    }
}

extension LifetimeHoldout {
    var json: JSONValue {
        .object([
            JSONMember("holdout_end", .string(LifetimeCalendar.date(holdoutEnd))),
            JSONMember("length_periods", .number(length)),
            JSONMember("customers", .integer(Int64(customers))),
            JSONMember("actual_repeat_purchases", .integer(Int64(actualTotal))),
            JSONMember("predicted_repeat_purchases", .number(predictedTotal)),
            JSONMember("mean_absolute_error", .number(meanAbsoluteError)),
            JSONMember("by_frequency", .array(buckets.map {
                .object([JSONMember("frequency", .string($0.label)), JSONMember("customers", .integer(Int64($0.customers))),
                         JSONMember("actual_mean", .number($0.actualMean)), JSONMember("predicted_mean", .number($0.predictedMean))])
            })),
        ])
    }
}
