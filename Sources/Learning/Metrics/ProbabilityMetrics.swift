import Foundation

/// Metrics of predicted probabilities against binary outcomes.
public enum ProbabilityMetrics {
    /// Mean negative log-likelihood −(1/n) Σ [y ln p + (1−y) ln(1−p)], with the probability of
    /// the observed outcome (p or 1 − p) clipped below at ε, so a confident mistake costs at most
    /// −ln ε (34.5 for the default 1e-15). Clipping 1 − p rather than p keeps the bound exact.
    public static func logLoss(probabilities: [Double], labels: [Bool], epsilon: Double = 1e-15) -> Double {
        precondition(probabilities.count == labels.count, "\(probabilities.count) probabilities for \(labels.count) labels")
        precondition(!labels.isEmpty, "log loss of an empty set is undefined")
        var sum = 0.0
        for (p, y) in zip(probabilities, labels) {
            if y {
                sum -= log(max(p, epsilon))
            } else {
                // log1p keeps precision for small p; 1 − p is exact for p ≥ ½.
                sum -= p < 0.5 ? log1p(-p) : log(max(1 - p, epsilon))
            }
        }
        return sum / Double(labels.count)
    }

    /// Brier score (1/n) Σ (p − y)²: 0 is perfect, 0.25 is a constant ½.
    public static func brierScore(probabilities: [Double], labels: [Bool]) -> Double {
        precondition(probabilities.count == labels.count, "\(probabilities.count) probabilities for \(labels.count) labels")
        precondition(!labels.isEmpty, "Brier score of an empty set is undefined")
        var sum = 0.0
        for (p, y) in zip(probabilities, labels) {
            let d = p - (y ? 1 : 0)
            sum += d * d
        }
        return sum / Double(labels.count)
    }
}
