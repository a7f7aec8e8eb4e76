/// Metrics of how well scores rank positives above negatives. All are invariant to monotone
/// transformations of the scores, and ties are treated as unordered.
public enum RankingMetrics {
    /// Area under the ROC curve, as the Mann–Whitney statistic with average ranks for ties: the
    /// probability that a random positive scores above a random negative, ties counting ½.
    ///
    /// Returns `nil` when either class is absent (the area is undefined).
    public static func rocAUC(scores: [Double], labels: [Bool]) -> Double? {
        precondition(scores.count == labels.count, "\(scores.count) scores for \(labels.count) labels")
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positiveRankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            // Ranks start..end (1-based: start+1 ... end+1) share their average.
            let averageRank = Double(start + end + 2) / 2
            for position in start...end where labels[order[position]] { positiveRankSum += averageRank }
            start = end + 1
        }
        let p = Double(positives)
        return (positiveRankSum - p * (p + 1) / 2) / (p * Double(negatives))
    }

    /// Area under the precision–recall curve as average precision, Σₖ (Rₖ − Rₖ₋₁) Pₖ over
    /// distinct score thresholds from the highest down (scikit-learn's `average_precision_score`):
    /// tied scores enter together.
    ///
    /// Returns `nil` when there are no positives.
    public static func averagePrecision(scores: [Double], labels: [Bool]) -> Double? {
        precondition(scores.count == labels.count, "\(scores.count) scores for \(labels.count) labels")
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard positives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives = 0
        var seen = 0
        var previousRecall = 0.0
        var sum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            for position in start...end where labels[order[position]] { truePositives += 1 }
            seen += end - start + 1
            let recall = Double(truePositives) / Double(positives)
            let precision = Double(truePositives) / Double(seen)
            sum += (recall - previousRecall) * precision
            previousRecall = recall
            start = end + 1
        }
        return sum
    }

    /// Lift in the top `fraction` of scores: the positive rate among the highest-scoring
    /// `fraction · n` rows divided by the overall positive rate. `fraction` 0.1 is the top decile.
    ///
    /// The cut is exactly `fraction · n` rows; a tie group straddling the cut contributes its
    /// positives in proportion to the part that fits (the expectation under random tie-breaking),
    /// so the result does not depend on input order. Returns `nil` without positives or rows.
    public static func lift(scores: [Double], labels: [Bool], fraction: Double = 0.1) -> Double? {
        precondition(scores.count == labels.count, "\(scores.count) scores for \(labels.count) labels")
        precondition(fraction > 0 && fraction <= 1, "fraction must be in (0, 1], got \(fraction)")
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard positives > 0 else { return nil }
        let n = Double(labels.count)
        let capacity = fraction * n
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var remaining = capacity
        var positivesTaken = 0.0
        var start = 0
        while start < order.count && remaining > 0 {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let size = Double(end - start + 1)
            var groupPositives = 0.0
            for position in start...end where labels[order[position]] { groupPositives += 1 }
            let taken = min(size, remaining)
            positivesTaken += groupPositives * taken / size
            remaining -= taken
            start = end + 1
        }
        return (positivesTaken / capacity) / (Double(positives) / n)
    }
}
