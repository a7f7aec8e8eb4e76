import Foundation
import Warehouse

extension DemoCommand {
    /// Trains segments as of `asOf` (k by silhouette over 2...8), stores and promotes them, stores
    /// every customer's cluster, and returns the demo's lines: the chosen k and one line per cluster.
    static func segmentsStep(_ warehouse: Warehouse, asOf: Int64) throws -> [String] {
        let training = try warehouse.trainSegments(SegmentTrainingOptions(asOf: asOf))
        let stored = try warehouse.storeSegments(training, promote: true)
        let silhouette = training.silhouette.map { String(format: "%.3f", $0) } ?? "n/a"
        var lines = ["k = \(training.clusters) (best silhouette \(silhouette) over k = 2...8) on \(grouped(training.rows)) customers; stored as \(stored.snapshot.reference)\(stored.promoted ? ", now production" : "")"]
        for profile in training.profiles {
            lines.append(String(format: "cluster %d: %@ customers (%.1f%%), recency %.0f days, %.1f orders, %.2f net each, %.1f%% of revenue",
                                profile.cluster, grouped(profile.users), profile.share * 100, profile.meanRecencyDays,
                                profile.meanFrequency, profile.meanMonetary, (profile.revenueShare ?? 0) * 100))
        }
        let scoring = try warehouse.scoreSegments(stored.snapshot, asOf: asOf)
        lines.append("every customer's cluster stored: \(grouped(scoring.assignments.count)) rows in segment_assignments")
        return lines
    }
}
