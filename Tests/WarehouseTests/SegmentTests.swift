import Foundation
import Learning
import Testing
@testable import Warehouse

/// Three planted customer groups, far apart in log RFM: big recent spenders, regulars, and
/// lapsed one-time buyers. Each user's recency, frequency and per-order amount are set exactly,
/// so every group's true RFM means are known.
enum PlantedSegments {
    struct Group {
        let name: String
        let recencyDays: [Int64]
        let frequencies: [Int]
        let orderAmounts: [Int]
    }

    static let asOf = CalendarDate.instant("2012-01-01")!
    static let perGroup = 20
    /// In descending monetary order: the trainer must number them 0, 1, 2.
    static let groups = [
        Group(name: "whale", recencyDays: [2, 3, 4, 5], frequencies: [20, 22, 24], orderAmounts: [250, 260, 270]),
        Group(name: "regular", recencyDays: [30, 33, 36, 39], frequencies: [5, 6], orderAmounts: [60, 65]),
        Group(name: "lapsed", recencyDays: [300, 310, 320, 330], frequencies: [1], orderAmounts: [10, 12, 14]),
    ]

    /// The user's planted (recency, frequency, net revenue in currency units).
    static func user(_ group: Int, _ index: Int) -> (recency: Int64, frequency: Int, monetary: Int) {
        let g = groups[group]
        let frequency = g.frequencies[index % g.frequencies.count]
        return (g.recencyDays[index % g.recencyDays.count], frequency, frequency * g.orderAmounts[index % g.orderAmounts.count])
    }

    static func customer(_ group: Int, _ index: Int) -> String { "\(groups[group].name)-\(index)" }

    /// Orders CSV: each user's last purchase at noon `recency` days (plus a half) before as-of,
    /// earlier ones a day apart.
    static var ordersCSV: String {
        var lines = ["order_id,ordered_at,customer_id,product_id,quantity,unit_price,kind"]
        let formatter = ISO8601DateFormatter()
        for group in groups.indices {
            for index in 0..<perGroup {
                let (recency, frequency, monetary) = user(group, index)
                for order in 0..<frequency {
                    let time = asOf - (recency + Int64(order)) * 86_400 - 43_200
                    let date = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
                    lines.append("\(customer(group, index))-\(order),\(date),\(customer(group, index)),P1,1,\(monetary / frequency).00,")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func warehouse(_ scratch: Scratch) throws -> Warehouse {
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("orders.csv", ordersCSV), options: ImportOptions(kind: .orders, format: .csv, currency: "GBP"))
        return warehouse
    }

    /// Planted group of every user id.
    static func groupOfUser(_ warehouse: Warehouse) throws -> [Int64: Int] {
        var result: [Int64: Int] = [:]
        for row in try warehouse.db.query("SELECT id, external_id FROM users") {
            let name = row[1].string ?? ""
            result[row[0].int64 ?? 0] = groups.firstIndex { name.hasPrefix($0.name + "-") }
        }
        return result
    }
}

@Suite struct SegmentTests {
    @Test func silhouetteFindsThePlantedGroupsAndNumbersThemByMonetaryValue() throws {
        let scratch = try Scratch()
        let warehouse = try PlantedSegments.warehouse(scratch)
        let training = try warehouse.trainSegments(SegmentTrainingOptions(asOf: PlantedSegments.asOf, clusterRange: 2...6))
        #expect(training.clusters == 3)
        #expect(training.chosenBy == "silhouette")
        #expect(training.silhouettes.map(\.clusters) == [2, 3, 4, 5, 6])
        #expect(training.rows == 60)
        // Every planted group is one cluster, and cluster j is planted group j (whales first).
        let groupOf = try PlantedSegments.groupOfUser(warehouse)
        let data = try warehouse.segmentDataset(asOf: PlantedSegments.asOf, columns: SegmentColumns())
        for (customer, cluster) in zip(data.customers, training.assignments) {
            #expect(groupOf[customer.userID] == cluster, "user \(customer.externalID)")
        }
        // The profiles are the planted groups' exact means (sums of at most 20 small integers:
        // exact in binary floating point up to the division, so a 1e-9 tolerance).
        for (group, profile) in training.profiles.enumerated() {
            let users = (0..<PlantedSegments.perGroup).map { PlantedSegments.user(group, $0) }
            let n = Double(users.count)
            #expect(profile.users == 20)
            #expect(abs(profile.meanRecencyDays - Double(users.map(\.recency).reduce(0, +)) / n) < 1e-9)
            #expect(abs(profile.meanFrequency - Double(users.map(\.frequency).reduce(0, +)) / n) < 1e-9)
            #expect(abs(profile.meanMonetary - Double(users.map(\.monetary).reduce(0, +)) / n) < 1e-9)
        }
        #expect(abs(training.profiles.compactMap(\.revenueShare).reduce(0, +) - 1) < 1e-12)
    }

    @Test func datasetIsLogRFMFromTheRFMQuery() throws {
        let scratch = try Scratch()
        let warehouse = try PlantedSegments.warehouse(scratch)
        let data = try warehouse.segmentDataset(asOf: PlantedSegments.asOf, columns: SegmentColumns())
        let rfm = try warehouse.rfmUsers(RFMOptions(scope: AnalyticsScope(asOf: PlantedSegments.asOf))).users
        #expect(data.customers.count == rfm.count)
        #expect(data.features.columns == 3)
        for (row, customer) in data.customers.enumerated() {
            let expected = try #require(rfm.first { $0.externalID == customer.externalID })
            #expect(customer.recencyDays == expected.recencyDays && customer.frequency == expected.frequency)
            #expect(customer.monetaryMicros == expected.monetaryMicros && customer.rfmSegment == expected.segment)
            #expect(data.features.row(row) == [log1p(Double(expected.recencyDays)), log(Double(expected.frequency)),
                                               log1p(Double(expected.monetaryMicros) / 1e6)])
        }
        #expect(SegmentColumns.signedLog(-9) == -log(10.0))
        #expect(SegmentColumns.signedLog(0) == 0)
    }

    @Test func extraFeaturesAreCheckedAgainstTheCatalogueAndBuiltWhenMissing() throws {
        let scratch = try Scratch()
        let warehouse = try PlantedSegments.warehouse(scratch)
        let data = try warehouse.segmentDataset(asOf: PlantedSegments.asOf, columns: SegmentColumns(extraFeatures: ["tenure_days", "revenue_365d_micros"]))
        #expect(data.columns.names == ["log_recency_days", "log_frequency", "signed_log_monetary", "signed_log_tenure_days", "signed_log_revenue_365d_micros"])
        #expect(try warehouse.count("SELECT count(*) FROM feature_builds WHERE as_of = ?", PlantedSegments.asOf) == 1)
        // A one-order lapsed user: tenure = recency; 365-day revenue = her one order (currency units).
        let lapsed = try #require(data.customers.firstIndex { $0.externalID == "lapsed-0" })
        #expect(abs(data.features[lapsed, 3] - log1p(300.5)) < 1e-9)
        #expect(abs(data.features[lapsed, 4] - log1p(10)) < 1e-12)
        for name in ["nope", "country"] {
            #expect(throws: SegmentError.self) {
                try warehouse.segmentDataset(asOf: PlantedSegments.asOf, columns: SegmentColumns(extraFeatures: [name]))
            }
        }
    }

    @Test func snapshotRoundTripsBitForBit() throws {
        let scratch = try Scratch()
        let warehouse = try PlantedSegments.warehouse(scratch)
        let training = try warehouse.trainSegments(SegmentTrainingOptions(asOf: PlantedSegments.asOf, clusters: 3, restarts: 4, seed: 9,
                                                                          features: ["tenure_days"]))
        let stored = try warehouse.storeSegments(training, promote: true)
        #expect(stored.promoted)
        #expect(stored.snapshot.reference == "segments@1")
        #expect(stored.snapshot.kind == "kmeans")
        let (model, columns) = try warehouse.segmentModel(stored.snapshot)
        #expect(model.encodeParameters() == (try warehouse.loadParameters(stored.snapshot)))
        #expect(model.centroids.values.map(\.bitPattern) == training.model.centroids.values.map(\.bitPattern))
        #expect(model.standardizer?.means.map(\.bitPattern) == training.model.standardizer?.means.map(\.bitPattern))
        #expect(model.standardizer?.standardDeviations.map(\.bitPattern) == training.model.standardizer?.standardDeviations.map(\.bitPattern))
        #expect(columns == SegmentColumns(extraFeatures: ["tenure_days"]))
        #expect(stored.snapshot.hyperparameters["k_chosen_by"] == "fixed")
        #expect(stored.snapshot.hyperparameters["seed"] == 9)
        #expect(stored.snapshot.metrics["cluster_sizes"] == [20, 20, 20])
        #expect(stored.snapshot.dataFingerprint == training.fingerprint)
        // Same seed, same data: the same model and fingerprint; a second version does not take production.
        let again = try warehouse.trainSegments(training.options)
        #expect(again.model == training.model && again.fingerprint == training.fingerprint)
        #expect(try warehouse.storeSegments(again, promote: true).promoted == false)
        #expect(try warehouse.currentAliases(of: "segments")["production"] == 1)
    }

    @Test func scoringWritesOneRowPerUserAndRescoringReplaces() throws {
        let scratch = try Scratch()
        let warehouse = try PlantedSegments.warehouse(scratch)
        let training = try warehouse.trainSegments(SegmentTrainingOptions(asOf: PlantedSegments.asOf, clusters: 3))
        let snapshot = try warehouse.storeSegments(training, promote: false).snapshot
        let scoring = try warehouse.scoreSegments(snapshot, asOf: PlantedSegments.asOf)
        #expect(scoring.assignments.map(\.cluster) == training.assignments)
        let count = "SELECT count(*) FROM segment_assignments WHERE snapshot_id = ? AND as_of = ?"
        #expect(try warehouse.count(count, snapshot.id, PlantedSegments.asOf) == 60)
        #expect(try warehouse.count("SELECT count(DISTINCT user_id) FROM segment_assignments") == 60)
        #expect(try warehouse.count("SELECT count(*) FROM segment_assignments WHERE distance < 0 OR cluster > 2") == 0)
        // Re-scoring replaces; another as-of is a run of its own (a day earlier: the same 60 users).
        try warehouse.db.run("UPDATE segment_assignments SET cluster = 2")
        _ = try warehouse.scoreSegments(snapshot, asOf: PlantedSegments.asOf)
        #expect(try warehouse.count(count, snapshot.id, PlantedSegments.asOf) == 60)
        let stored = try warehouse.db.query("SELECT cluster FROM segment_assignments WHERE as_of = ? ORDER BY user_id", PlantedSegments.asOf)
        #expect(stored.map { Int($0[0].int64 ?? -1) } == training.assignments)
        let earlier = PlantedSegments.asOf - 86_400
        _ = try warehouse.scoreSegments(snapshot, asOf: earlier)
        #expect(try warehouse.count(count, snapshot.id, earlier) == 60)
        #expect(try warehouse.count("SELECT count(*) FROM segment_assignments") == 120)
    }

    @Test func overlapRowsAndColumnsSumToClusterAndRFMSegmentSizes() throws {
        let scratch = try Scratch()
        let warehouse = try PlantedSegments.warehouse(scratch)
        let snapshot = try warehouse.storeSegments(
            try warehouse.trainSegments(SegmentTrainingOptions(asOf: PlantedSegments.asOf, clusters: 3)), promote: true).snapshot
        let report = try warehouse.segmentReport(snapshot, asOf: PlantedSegments.asOf)
        #expect(report.overlap.clusterSizes == report.profiles.map(\.users))
        #expect(report.overlap.clusterSizes == [20, 20, 20])
        let rfm = try warehouse.rfmSummary(RFMOptions(scope: AnalyticsScope(asOf: PlantedSegments.asOf)))
        #expect(report.overlap.segments == rfm.segments.map(\.name))
        #expect(report.overlap.segmentSizes == rfm.segments.map(\.users))
        // The overlap table adds the totals: the last row is the cluster sizes, the last column the segment sizes.
        let table = SegmentTables.overlap(report.overlap)
        #expect(table.displayRows.last == ["total", "20", "20", "20", "60"])
        #expect(table.displayRows.dropLast().map { $0.last } == rfm.segments.map { String($0.users) })
        #expect(try warehouse.count("SELECT count(*) FROM segment_assignments") == 0)  // a report stores nothing
    }
}
