import Foundation
import Learning

/// Settings of one satisfaction training run.
public struct SatisfactionTrainingOptions: Sendable {
    /// Only facts before this instant are read; nil: one period before the day after the last
    /// order, so the holdout period is the last whole one in the data.
    public var asOf: Int64?
    /// The holdout: scores as of this instant (default the training as-of) predict a purchase in
    /// the period after it, which the training never read.
    public var evaluationAsOf: Int64?
    public var period: ChurnSequenceShape.Period
    /// The grid covers the history since the first order, at most this many periods.
    public var maximumPeriods: Int
    public var fit: SatisfactionOptions

    public init(asOf: Int64? = nil, evaluationAsOf: Int64? = nil, period: ChurnSequenceShape.Period = .month,
                maximumPeriods: Int = 36, fit: SatisfactionOptions = SatisfactionOptions()) {
        self.asOf = asOf
        self.evaluationAsOf = evaluationAsOf
        self.period = period
        self.maximumPeriods = maximumPeriods
        self.fit = fit
    }
}

/// How well a score predicts a purchase in the next period.
public struct SatisfactionMetrics: Sendable, Equatable {
    public let rocAUC: Double?
    public let logLoss: Double
    public let brierScore: Double

    public init(probabilities: [Double], active: [Bool]) {
        rocAUC = RankingMetrics.rocAUC(scores: probabilities, labels: active)
        logLoss = ProbabilityMetrics.logLoss(probabilities: probabilities, labels: active)
        brierScore = ProbabilityMetrics.brierScore(probabilities: probabilities, labels: active)
    }
}

/// The check on the period after the holdout as-of: the score against the recency baseline.
public struct SatisfactionHoldout: Sendable, Equatable {
    public let asOf: Int64
    public let customers: Int
    /// Share of the customers with a purchase in the period after `asOf`.
    public let activeRate: Double
    public let model: SatisfactionMetrics
    /// A logistic regression on ln(1 + days since the last order or event) alone, fitted on the
    /// training pairs.
    public let baseline: SatisfactionMetrics
}

/// A fitted and checked satisfaction model with the facts its snapshot records.
public struct SatisfactionTraining: Sendable {
    public let fit: SatisfactionFit
    public let options: SatisfactionTrainingOptions
    public let asOf: Int64
    public let shape: ChurnSequenceShape
    public let trainingCustomers: Int
    public let fingerprint: String
    /// Wall-clock seconds of the weights' fit alone.
    public let trainingSeconds: Double
    /// Wall-clock seconds reading the training histories.
    public let readingSeconds: Double
    public let baseline: LogisticRegressionModel
    public let holdout: SatisfactionHoldout
}

/// Why a satisfaction model could not be trained or used.
public struct SatisfactionError: Error, CustomStringConvertible {
    public let description: String
}

extension ChurnEngine {
    /// Fits the satisfaction recursion on every customer's periods before the as-of (each period's
    /// score against a purchase in the next, both before the as-of) and checks it, with the
    /// recency baseline, on the period after the holdout as-of.
    public func trainSatisfaction(_ options: SatisfactionTrainingOptions) throws -> SatisfactionTraining {
        guard let dataEnd = try dayAfterLastOrder(currency: nil) else { throw SatisfactionError(description: "the warehouse has no orders: import some first") }
        let length = options.period.seconds
        let asOf = options.asOf ?? dataEnd - length
        let evaluationAsOf = options.evaluationAsOf ?? asOf
        guard evaluationAsOf >= asOf else {
            throw SatisfactionError(description: "the holdout as-of \(CalendarDate.day(evaluationAsOf)) is before the training as-of \(CalendarDate.day(asOf))")
        }
        guard evaluationAsOf + length <= dataEnd else {
            throw SatisfactionError(description: "the holdout period ends \(CalendarDate.day(evaluationAsOf + length)), after the data (last order before \(CalendarDate.day(dataEnd))): use --as-of \(CalendarDate.day(dataEnd - length)) or earlier")
        }
        let clock = ContinuousClock()
        let shape = ChurnSequenceShape(period: options.period,
                                       periods: try satisfactionPeriods(asOf: asOf, period: options.period, maximum: options.maximumPeriods))
        var data: SatisfactionData?
        let reading = try clock.measure { data = try satisfactionData(asOf: asOf, shape: shape) }
        guard let training = data, training.userIDs.count >= 10 else {
            throw SatisfactionError(description: "too few customers with purchases before \(CalendarDate.day(asOf)) to train (\(data?.userIDs.count ?? 0)); use a later --as-of")
        }
        var fit: SatisfactionFit?
        let fitting: Duration
        do {
            fitting = try clock.measure { fit = try SatisfactionModel.fit(training.histories, options: options.fit) }
        } catch {
            throw SatisfactionError(description: "satisfaction model as of \(CalendarDate.day(asOf)): \(error)")
        }
        guard let fit else { throw SatisfactionError(description: "satisfaction model as of \(CalendarDate.day(asOf)): the fit returned no model") }

        // The baseline learns from the same pairs: ln(1 + days since activity) at the end of t
        // against a purchase in t + 1.
        var recency: [Double] = [], labels: [Bool] = []
        for c in 0..<training.userIDs.count {
            let start = training.histories.starts[c]
            guard start < shape.periods - 1 else { continue }
            for t in start..<(shape.periods - 1) {
                recency.append(training.logRecency(c, t))
                labels.append(training.histories.purchased(c, in: t + 1))
            }
        }
        let baseline: LogisticRegressionModel
        do {
            baseline = try LogisticRegressionModel.fit(FeatureMatrix(rows: recency.count, columns: 1, values: recency), labels: labels,
                                                       options: LogisticRegressionOptions(l2Penalty: 0)).model
        } catch {
            throw SatisfactionError(description: "recency baseline as of \(CalendarDate.day(asOf)): \(error)")
        }
        let holdout = try satisfactionHoldout(model: fit.model, baseline: baseline, asOf: evaluationAsOf, period: options.period,
                                              maximumPeriods: options.maximumPeriods)
        return SatisfactionTraining(fit: fit, options: options, asOf: asOf, shape: shape, trainingCustomers: training.userIDs.count,
                                    fingerprint: training.fingerprint, trainingSeconds: fitting.seconds, readingSeconds: reading.seconds,
                                    baseline: baseline, holdout: holdout)
    }

    /// Scores as of `asOf` (and the baseline's probabilities from recency at `asOf`) against a
    /// purchase in [asOf, asOf + period).
    public func satisfactionHoldout(model: SatisfactionModel, baseline: LogisticRegressionModel, asOf: Int64,
                                    period: ChurnSequenceShape.Period, maximumPeriods: Int) throws -> SatisfactionHoldout {
        let shape = ChurnSequenceShape(period: period, periods: try satisfactionPeriods(asOf: asOf, period: period, maximum: maximumPeriods))
        let data = try satisfactionData(asOf: asOf, shape: shape)
        let buyers = try purchasers(from: asOf, to: asOf + period.seconds)
        let active = data.userIDs.map { buyers.contains($0) }
        let scores = model.finalScores(data.histories)
        let recency = (0..<data.userIDs.count).map { data.logRecency($0, shape.periods - 1) }
        let baselineScores = baseline.predictProbabilities(FeatureMatrix(rows: recency.count, columns: 1, values: recency))
        return SatisfactionHoldout(asOf: asOf, customers: data.userIDs.count,
                                   activeRate: Double(active.filter { $0 }.count) / Double(max(active.count, 1)),
                                   model: SatisfactionMetrics(probabilities: scores, active: active),
                                   baseline: SatisfactionMetrics(probabilities: baselineScores, active: active))
    }
}
