import Foundation
import Learning
import SQLiteStore
import Testing
@testable import Warehouse

/// `lifecycle satisfaction` and `train satisfaction` on the warehouse: inputs from orders and
/// events as documented, point-in-time scores, stored and verified weights, the documented JSON.
@Suite struct SatisfactionWarehouseTests {
    /// Four weeks ending at Thursday 2011-02-10 (as in ChurnSequenceTests).
    private let asOf = CalendarDate.instant("2011-02-10")!
    private let fourWeeks = ChurnSequenceShape(period: .week, periods: 4)
    private let model = SatisfactionModel(bias: -1, stateWeight: 2, inputWeights: [1, 0.5, 1, -1], initialLogit: 0)

    private func fixtureWarehouse(_ scratch: Scratch) throws -> Warehouse {
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("orders.csv", featureFixture), options: ImportOptions(kind: .orders, format: .csv, currency: "GBP"))
        _ = try warehouse.importFile(try scratch.file("events.csv", featureEvents), options: ImportOptions(kind: .events, format: .csv))
        return warehouse
    }

    @Test("the inputs are the documented transforms of each period's orders and events, and the scores the recursion over them")
    func inputsAndScoresByHand() throws {
        let scratch = try Scratch()
        let warehouse = try fixtureWarehouse(scratch)
        let ids = Dictionary(uniqueKeysWithValues: try warehouse.customerIDs().map { ($0.value, $0.key) })
        let (u1, u2) = (try #require(ids["u1"]), try #require(ids["u2"]))
        let data = try warehouse.satisfactionData(asOf: asOf, shape: fourWeeks)
        #expect(data.userIDs == [u1, u2].sorted())
        let c1 = try #require(data.userIDs.firstIndex(of: u1)), c2 = try #require(data.userIDs.firstIndex(of: u2))
        // u1 bought before the window (start 0); week 2 holds a purchase, a view, a review of 4 and a return.
        #expect(data.histories.starts[c1] == 0)
        #expect(data.histories.dense(c1) == [[0, 0, 0, 0], [0, 0, 0, 0], [log(2), log(2), 0.5, log(2)], [0, 0, 0, 0]])
        // u2's first activity is its purchase in week 1.
        #expect(data.histories.starts[c2] == 1)
        #expect(data.histories.dense(c2) == [[log(2), 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
        // By hand, u2: S(1) = σ(−1 + 2·0.5 + ln 2) = 2/3, S(2) = σ(−1 + 4/3), S(3) = σ(−1 + 2·S(2)).
        let s2 = 1 / (1 + exp(-(1.0 / 3)))
        let s3 = 1 / (1 + exp(-(-1 + 2 * s2)))
        let trajectory = model.trajectory(data.histories, customer: c2)
        #expect(abs(trajectory[0] - 2.0 / 3) < 1e-15 && abs(trajectory[1] - s2) < 1e-15 && abs(trajectory[2] - s3) < 1e-15)
        // Recency for the baseline: u2 at the end of week 3 is 20.5 days from its purchase.
        #expect(abs(data.recencyDays[c2 * 4 + 3] - 20.5) < 1e-12)
        #expect(data.recencyDays[c2 * 4].isNaN)
    }

    @Test("orders and events at or after the as-of change no score; a later as-of sees them")
    func laterFactsChangeNothing() throws {
        let scratch = try Scratch()
        let warehouse = try fixtureWarehouse(scratch)
        let stored = StoredSatisfactionModel(snapshot: try warehouse.saveSnapshot(ModelSnapshotDraft(
            name: "satisfaction", parameters: model.encodeParameters(),
            hyperparameters: .object([JSONMember("period", .string("week")), JSONMember("maximum_periods", .integer(4))]),
            trainingAsOf: asOf, trainingRows: 1, dataFingerprint: String(repeating: "0", count: 64))), model: model, period: .week, maximumPeriods: 4)
        let before = try warehouse.scoreSatisfaction(stored, asOf: asOf)
        #expect(before.scores.count == 2 && before.shape.periods == 4)
        _ = try warehouse.importFile(try scratch.file("later.csv", """
            order_id,ordered_at,customer_id,product_id,quantity,unit_price,kind
            9,2011-02-10T00:00:00Z,u1,P9,1,1000.00,
            10,2011-03-01T00:00:00Z,u2,P9,1,1000.00,
            R9,2011-02-11T00:00:00Z,u2,P9,-1,1000.00,return
            11,2011-02-12T00:00:00Z,u3,P9,1,5.00,

            """), options: ImportOptions(kind: .orders, format: .csv, currency: "GBP"))
        _ = try warehouse.importFile(try scratch.file("later-events.csv", """
            event_id,user_id,occurred_at,type,product_id,value,properties
            e9,u2,2011-02-10T00:00:00Z,review,P2,1,
            e10,u1,2011-02-15T00:00:00Z,view,P2,,

            """), options: ImportOptions(kind: .events, format: .csv))
        let after = try warehouse.scoreSatisfaction(stored, asOf: asOf)
        #expect(after.scores == before.scores)
        // Loading the stored model gives the same scores as the in-memory one.
        let loaded = try warehouse.satisfactionModel(try warehouse.snapshot("satisfaction@1"))
        #expect(loaded.model == model)
        #expect(try warehouse.scoreSatisfaction(loaded, asOf: asOf).scores == before.scores)
        // A week later the purchase of Feb 10 counts: u1's score moves, and u3 appears.
        let later = try warehouse.scoreSatisfaction(stored, asOf: asOf + 7 * 86_400)
        #expect(later.scores.count == 3)
        let u1Before = try #require(before.scores.first { $0.externalID == "u1" }).score
        let u1Later = try #require(later.scores.first { $0.externalID == "u1" }).score
        #expect(u1Before != u1Later)
    }

    @Test("train on a generated shop: fitted weights beat the initial ones, the snapshot round-trips and a changed blob fails its checksum")
    func trainStoreAndVerify() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch, users: 1_000)
        let training = try warehouse.trainSatisfaction(SatisfactionTrainingOptions(asOf: CalendarDate.instant("2011-09-01")!))
        #expect(training.fit.objective < training.fit.initialObjective)
        #expect(training.fit.logLoss < training.fit.initialLogLoss)
        #expect(training.holdout.asOf == CalendarDate.instant("2011-09-01")!)
        #expect(training.holdout.model.rocAUC != nil && training.holdout.baseline.rocAUC != nil)
        let snapshot = try warehouse.storeSatisfaction(training)
        #expect(snapshot.reference == "satisfaction@1" && snapshot.kind == "satisfaction_recursion")
        #expect(snapshot.trainingRows == training.fit.pairs && snapshot.dataFingerprint == training.fingerprint)
        #expect(snapshot.metrics["holdout"]?["roc_auc"]?.doubleValue == training.holdout.model.rocAUC)
        #expect(snapshot.metrics["training"]?["objective"]?.doubleValue == training.fit.objective)
        #expect(snapshot.hyperparameters["period"] == .string("month"))
        #expect(MainMetric(kind: snapshot.kind, metrics: snapshot.metrics)?.name == "roc_auc")
        let loaded = try warehouse.satisfactionModel(try warehouse.snapshot("satisfaction"))
        #expect(loaded.model == training.fit.model && loaded.period == .month && loaded.maximumPeriods == 36)
        #expect(try warehouse.verifySnapshots().allSatisfy(\.ok))
        // The holdout's figures come back from the stored model.
        let again = try warehouse.satisfactionHoldout(model: loaded.model, baseline: training.baseline, asOf: training.holdout.asOf,
                                                      period: loaded.period, maximumPeriods: loaded.maximumPeriods)
        #expect(again == training.holdout)

        // One bit of one weight changed below the registry: loading refuses, verify reports it.
        let blob = try #require(try warehouse.db.scalar("SELECT weights FROM model_snapshots WHERE id = ?", snapshot.id).bytes)
        var changed = blob
        changed[changed.count - 1] ^= 0x01
        try warehouse.db.execute("DROP TRIGGER model_snapshots_no_update")
        try warehouse.db.run("UPDATE model_snapshots SET weights = ? WHERE id = ?", SQLValue.blob(changed), snapshot.id)
        let error = try #require(throws: RegistryError.self) { try warehouse.satisfactionModel(try warehouse.snapshot("satisfaction@1")) }
        guard case .checksumMismatch(let reference, _, _) = error else {
            Issue.record("expected a checksum mismatch, got \(error)")
            return
        }
        #expect(reference == "satisfaction@1")
        #expect(try warehouse.verifySnapshots().contains { !$0.ok })
    }

    @Test("the answers' JSON parses and carries the fields docs/OUTPUT.md documents for both commands")
    func answersMatchTheDocumentedFields() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch, users: 400)
        let training = try warehouse.trainSatisfaction(SatisfactionTrainingOptions(asOf: CalendarDate.instant("2011-09-01")!))
        let snapshot = try warehouse.storeSatisfaction(training)
        let docs = try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/OUTPUT.md").path, encoding: .utf8)
        /// The backticked first cells of the table rows under `heading`, up to the next `###`, split by `Section` lines.
        func documented(_ heading: String) -> [[String]] {
            guard let start = docs.range(of: "### `\(heading)`\n") else { return [] }
            var groups: [[String]] = [[]]
            for line in docs[start.upperBound...].split(separator: "\n") {
                if line.hasPrefix("### ") { break }
                if line.hasPrefix("Section `") { groups.append([]) }
                if line.hasPrefix("| `"), let field = line.split(separator: "`").dropFirst().first { groups[groups.count - 1].append(String(field)) }
            }
            return groups
        }
        let trainJSON = try JSONValue.parse(try SatisfactionAnswers.training(training).json.prettyJSONText())
        let trainDocs = documented("train satisfaction")
        try #require(trainDocs.count == 2)
        #expect(trainJSON["question"] == .string("train satisfaction"))
        guard case .array(let weights)? = trainJSON["rows"], case .array(let holdout)? = trainJSON["holdout"] else {
            Issue.record("no rows or holdout")
            return
        }
        #expect(weights.count == 7 && weights.allSatisfy { $0.members?.map(\.key) == trainDocs[0] })
        #expect(holdout.count == 3 && holdout.allSatisfy { $0.members?.map(\.key) == trainDocs[1] })
        #expect(weights.first?["parameter"] == .string("bias"))

        let scores = try warehouse.scoreSatisfaction(try warehouse.satisfactionModel(snapshot), asOf: training.holdout.asOf)
        let json = try JSONValue.parse(try SatisfactionAnswers.scores(scores, model: snapshot, limit: 5).json.prettyJSONText())
        let scoreDocs = documented("satisfaction")
        try #require(scoreDocs.count == 2)
        guard case .array(let rows)? = json["rows"], case .array(let bins)? = json["distribution"] else {
            Issue.record("no rows or distribution")
            return
        }
        #expect(rows.count == 5 && rows.allSatisfy { $0.members?.map(\.key) == scoreDocs[0] })
        #expect(bins.count == 10 && bins.allSatisfy { $0.members?.map(\.key) == scoreDocs[1] })
        // Least satisfied first, and the distribution counts every customer, not just the five shown.
        let values = rows.compactMap { $0["satisfaction"]?.doubleValue }
        #expect(values == values.sorted())
        #expect(bins.compactMap { $0["customers"]?.doubleValue }.reduce(0, +) == Double(scores.scores.count))
        #expect(json["parameters"]?["model"] == .string("satisfaction@1"))
    }

    @Test("on Online Retail the holdout metrics are computed and printed, and the score ranks next month's buyers better than recency",
          .enabled(if: RealDataConformanceTests.onlineRetail != nil, "skipped: ../shared/data/online-retail/online_retail.csv.gz is not present"))
    func onlineRetailHoldout() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(RealDataConformanceTests.onlineRetail!, options: orderOptions(.onlineRetail))
        let training = try warehouse.trainSatisfaction(SatisfactionTrainingOptions())
        let holdout = training.holdout
        // The default as-of is one 30-day month before the day after the last order (2011-12-10).
        #expect(training.asOf == CalendarDate.instant("2011-11-10")!)
        #expect(holdout.customers == (try warehouse.count(
            "SELECT count(DISTINCT user_id) FROM orders WHERE user_id IS NOT NULL AND kind = 'purchase' AND ordered_at < ?", training.asOf)))
        #expect(training.fit.objective < training.fit.initialObjective)
        let weights = zip(SatisfactionModel.parameterNames, training.fit.model.vector).map { String(format: "%@ %.4f", $0, $1) }
        print(String(format: "Online Retail satisfaction, monthly, as of %@: %d customers, %d pairs; objective %.6f -> %.6f in %d iterations (%.3f s); holdout %d customers, %.4f bought: ROC AUC %.4f vs recency %.4f, log loss %.4f vs %.4f, Brier %.4f vs %.4f; weights %@",
                     CalendarDate.day(training.asOf), training.trainingCustomers, training.fit.pairs, training.fit.initialObjective,
                     training.fit.objective, training.fit.iterations, training.trainingSeconds, holdout.customers, holdout.activeRate,
                     holdout.model.rocAUC ?? .nan, holdout.baseline.rocAUC ?? .nan, holdout.model.logLoss, holdout.baseline.logLoss,
                     holdout.model.brierScore, holdout.baseline.brierScore, weights.joined(separator: ", ")))
        let auc = try #require(holdout.model.rocAUC), baseline = try #require(holdout.baseline.rocAUC)
        // Measured 0.7391 against 0.6781 (docs/satisfaction.md); the claim is only the order.
        #expect(auc > baseline && holdout.model.logLoss < holdout.baseline.logLoss)
        // No events in this data set: the penalty takes the weights of always-zero inputs to 0.
        #expect(abs(training.fit.model.inputWeights[SatisfactionInput.interactions.rawValue]) < 1e-3)
        #expect(abs(training.fit.model.inputWeights[SatisfactionInput.review.rawValue]) < 1e-3)
    }

    @Test("--satisfaction adds the stored model's score as the churn input `satisfaction`, kept through storing and scoring; a later-trained model or the sequence learner is refused")
    func satisfactionAsAChurnFeature() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch, users: 800)
        let asOf = CalendarDate.instant("2011-05-01")!, horizon: Int64 = 90 * 86_400
        let satisfaction = try warehouse.storeSatisfaction(try warehouse.trainSatisfaction(SatisfactionTrainingOptions(asOf: asOf)))
        let training = try warehouse.trainChurn(ChurnTrainingOptions(asOf: asOf, horizonSeconds: horizon, satisfactionModel: "satisfaction"))
        #expect(training.vector.names == ChurnFeatureVector.standard.names + ["satisfaction"])
        #expect(training.vector.satisfactionModel == "satisfaction@1")
        #expect(ChurnFeatureVector.standard.names.count == 25 && ChurnFeatureVector.standard.satisfactionModel == nil)
        // The column holds the satisfaction model's scores as of the as-of.
        let data = try warehouse.churnDataset(asOf: asOf, horizonSeconds: horizon, vector: training.vector)
        let stored = try warehouse.satisfactionModel(satisfaction)
        let scores = try warehouse.scoreSatisfaction(stored, asOf: asOf)
        let byUser = Dictionary(uniqueKeysWithValues: scores.scores.map { ($0.userID, $0.score) })
        let column = data.features.columns - 1
        #expect((0..<data.features.rows).allSatisfy { data.features[$0, column] == (byUser[data.userIDs[$0]] ?? stored.model.initialScore) })
        #expect(Set((0..<data.features.rows).map { data.features[$0, column] }).count > 10)
        // Stored, reloaded and scored with the same vector.
        let churn = try warehouse.storeChurn(training, promote: false)
        #expect(churn.snapshot.hyperparameters["satisfaction_model"] == .string("satisfaction@1"))
        let (_, vector) = try warehouse.churnModel(churn.snapshot)
        #expect(vector == training.vector)
        #expect(try warehouse.scoreChurn(churn.snapshot, asOf: asOf).count == data.userIDs.count)
        // A satisfaction model trained after the churn as-of saw the label window: refused.
        _ = try warehouse.storeSatisfaction(try warehouse.trainSatisfaction(SatisfactionTrainingOptions(asOf: asOf + 30 * 86_400)))
        #expect(throws: ChurnTrainingError.self) {
            try warehouse.trainChurn(ChurnTrainingOptions(asOf: asOf, horizonSeconds: horizon, satisfactionModel: "satisfaction@2"))
        }
        #expect(throws: ChurnTrainingError.self) {
            try warehouse.trainChurn(ChurnTrainingOptions(asOf: asOf, horizonSeconds: horizon, model: .sequence, satisfactionModel: "satisfaction@1"))
        }
    }

    @Test("the report has a satisfaction section only with a model: every customer binned by S, and churn counted one horizon earlier")
    func reportSection() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch, users: 400)
        let asOf = CalendarDate.instant("2011-12-01")!
        #expect(try warehouse.satisfactionReportSection(asOf: asOf) == nil)
        try warehouse.writeReport(to: scratch.path("before.html"), options: ReportOptions())
        #expect(!(try String(contentsOfFile: scratch.path("before.html"), encoding: .utf8)).contains("satisfaction-distribution"))

        _ = try warehouse.storeSatisfaction(try warehouse.trainSatisfaction(SatisfactionTrainingOptions(asOf: CalendarDate.instant("2011-09-01")!)))
        let section = try #require(try warehouse.satisfactionReportSection(asOf: asOf))
        #expect(section.bins.count == 10 && section.reference == "satisfaction@1")
        #expect(section.bins.map(\.customers).reduce(0, +) == section.customers)
        let earlier = asOf - 90 * 86_400
        let customersEarlier = try warehouse.count(
            "SELECT count(DISTINCT user_id) FROM orders WHERE user_id IS NOT NULL AND kind = 'purchase' AND ordered_at < ?", earlier)
        let churnedEarlier = try warehouse.count("""
            SELECT count(*) FROM (SELECT DISTINCT user_id FROM orders WHERE user_id IS NOT NULL AND kind = 'purchase' AND ordered_at < ?1) c
            WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = c.user_id AND o.kind = 'purchase' AND o.ordered_at >= ?1 AND o.ordered_at < ?2)
            """, earlier, asOf)
        #expect(section.bins.map(\.churnCustomers).reduce(0, +) == customersEarlier)
        #expect(section.bins.map(\.churned).reduce(0, +) == churnedEarlier)
        try warehouse.writeReport(to: scratch.path("after.html"), options: ReportOptions(scope: AnalyticsScope(asOf: asOf)))
        let html = try String(contentsOfFile: scratch.path("after.html"), encoding: .utf8)
        #expect(html.contains("satisfaction-distribution") && html.contains("satisfaction-churn"))
        #expect(html.hasSuffix("</section>\n</body>\n</html>\n"))
        // Both charts: the report's tick rule on the value axis, and a bar per bin holding the
        // section's numbers (the churn chart only where someone was scored).
        let charts = SVGElements.parse(html)
        for (id, values) in [("satisfaction-distribution", section.bins.map { Double($0.customers) as Double? }),
                             ("satisfaction-churn", section.bins.map { $0.churnCustomers == 0 ? nil : Double($0.churned) / Double($0.churnCustomers) })] {
            let chart = try #require(charts[id])
            #expect(tickRuleViolation(chart.ticks("y"), covering: values.compactMap { $0 }) == nil, "\(id): \(chart.ticks("y"))")
            let marks = chart.marks(id)
            #expect(marks.count == values.compactMap { $0 }.count)
            for (index, value) in values.enumerated() {
                let key = String(format: "%.1f–%.1f", Double(index) / 10, Double(index + 1) / 10)
                #expect(marks[key]?.number("data-value") == value, "\(id) \(key)")
            }
        }
    }
}
