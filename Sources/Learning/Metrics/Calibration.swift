/// One row of a calibration table.
public struct CalibrationBin: Sendable, Equatable {
    /// Lower edge of the bin (for quantile bins: the smallest prediction in it).
    public var lowerBound: Double
    /// Upper edge of the bin (for quantile bins: the largest prediction in it).
    public var upperBound: Double
    /// Rows in the bin.
    public var count: Int
    /// Mean predicted probability of the rows.
    public var meanPredicted: Double
    /// Share of the rows whose outcome is positive.
    public var observedRate: Double
}

/// How a calibration table groups predictions.
public enum CalibrationBinning: String, Sendable, CaseIterable {
    /// Equal-count groups of the predictions sorted ascending (deciles for 10 bins); group i
    /// holds sorted rows ⌊i·n/B⌋ ..< ⌊(i+1)·n/B⌋, so tied predictions may straddle two groups.
    case quantile
    /// Equal-width intervals [i/B, (i+1)/B) of [0, 1], the last one closed; empty bins are left out.
    case uniform
}

extension ProbabilityMetrics {
    /// Calibration table: for each bin of predicted probability, its size, the mean prediction
    /// and the observed positive rate. A calibrated model has meanPredicted ≈ observedRate.
    public static func calibrationTable(
        probabilities: [Double], labels: [Bool], bins: Int = 10, binning: CalibrationBinning = .quantile
    ) -> [CalibrationBin] {
        precondition(probabilities.count == labels.count, "\(probabilities.count) probabilities for \(labels.count) labels")
        precondition(bins > 0, "need at least one bin")
        let n = probabilities.count
        var groups: [[Int]] = Array(repeating: [], count: bins)
        switch binning {
        case .quantile:
            let order = probabilities.indices.sorted {
                probabilities[$0] < probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 < $1)
            }
            for bin in 0..<bins {
                groups[bin] = Array(order[(bin * n / bins)..<((bin + 1) * n / bins)])
            }
        case .uniform:
            for (i, p) in probabilities.enumerated() {
                let bin = min(max(Int(p * Double(bins)), 0), bins - 1)
                groups[bin].append(i)
            }
        }
        return groups.enumerated().compactMap { bin, rows -> CalibrationBin? in
            guard !rows.isEmpty else { return nil }
            var sum = 0.0
            var positives = 0
            var low = Double.infinity
            var high = -Double.infinity
            for i in rows {
                sum += probabilities[i]
                positives += labels[i] ? 1 : 0
                low = min(low, probabilities[i])
                high = max(high, probabilities[i])
            }
            if binning == .uniform {
                low = Double(bin) / Double(bins)
                high = Double(bin + 1) / Double(bins)
            }
            return CalibrationBin(lowerBound: low, upperBound: high, count: rows.count,
                                  meanPredicted: sum / Double(rows.count),
                                  observedRate: Double(positives) / Double(rows.count))
        }
    }
}
