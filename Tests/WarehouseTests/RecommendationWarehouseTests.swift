import Foundation
import Learning
import Testing
@testable import Warehouse

/// Six customers and four products whose cosines can be worked out by hand (all before April):
///
///     January: a {A, B}, b {A, B, C}, c {C, D}, d {A, FEE}, e {B}, g {D}      March: d {B}, e {B}, g {C}
///
/// Buyers: A {a, b, d}, B {a, b, d, e}, C {b, c, g}, D {c, g}. Cosines: A–B 3/√12, A–C 1/3,
/// B–C 1/√12, C–D 2/√6, A–D and B–D 0. Left out: FEE (not merchandise), h's return of A,
/// the guest order, and a's purchase of D in April (after the as-of).
let recommendationFixture = """
    order_id,ordered_at,customer_id,product_id,quantity,unit_price,kind
    1,2011-01-03T10:00:00Z,a,A,1,1.00,
    1,2011-01-03T10:00:00Z,a,B,1,1.00,
    2,2011-01-04T10:00:00Z,b,A,1,1.00,
    2,2011-01-04T10:00:00Z,b,B,1,1.00,
    2,2011-01-04T10:00:00Z,b,C,1,1.00,
    3,2011-01-05T10:00:00Z,c,C,1,1.00,
    3,2011-01-05T10:00:00Z,c,D,1,1.00,
    4,2011-01-06T10:00:00Z,d,A,1,1.00,
    4,2011-01-06T10:00:00Z,d,FEE,1,1.00,
    5,2011-01-07T10:00:00Z,e,B,1,1.00,
    6,2011-01-08T10:00:00Z,g,D,1,1.00,
    R1,2011-01-09T10:00:00Z,h,A,-1,1.00,return
    G1,2011-01-10T10:00:00Z,,A,1,1.00,
    G1,2011-01-10T10:00:00Z,,D,1,1.00,
    7,2011-03-10T10:00:00Z,d,B,1,1.00,
    8,2011-03-11T10:00:00Z,e,B,2,1.00,
    9,2011-03-12T10:00:00Z,g,C,1,1.00,
    10,2011-04-10T10:00:00Z,a,D,1,1.00,

    """

@Suite struct WarehouseRecommendationTests {
    static let asOf = CalendarDate.instant("2011-04-01")!
    /// Evaluation cut 2011-03-02: January trains, March is held out.
    static let options = RecommendationTrainingOptions(asOf: asOf, holdoutSeconds: 30 * 86_400, neighbourCount: 50, count: 1)

    func fixture(_ scratch: Scratch) throws -> Warehouse {
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("orders.csv", recommendationFixture),
                                     options: ImportOptions(kind: .orders, format: .csv, currency: "GBP"))
        try warehouse.db.run("UPDATE products SET is_merchandise = 0 WHERE external_id = 'FEE'")
        return warehouse
    }

    /// Source ids of users and products, for readable expectations.
    func names(_ warehouse: Warehouse, _ table: String) throws -> [Int: String] {
        var names: [Int: String] = [:]
        for row in try warehouse.db.query("SELECT id, external_id FROM \(table)") { names[Int(row[0].int64 ?? 0)] = row[1].string }
        return names
    }

    @Test func purchaseSetsHoldOnlyMerchandisePurchasesOfKnownUsersInTheWindow() throws {
        let scratch = try Scratch()
        let warehouse = try fixture(scratch)
        let users = try names(warehouse, "users"), products = try names(warehouse, "products")
        let sets = try warehouse.purchaseSets(before: Self.asOf)
        let readable = Dictionary(uniqueKeysWithValues: sets.byUser.map { (users[$0.key]!, Set($0.value.map { products[$0]! })) })
        #expect(readable == ["a": ["A", "B"], "b": ["A", "B", "C"], "c": ["C", "D"], "d": ["A", "B"], "e": ["B"], "g": ["C", "D"]])
        #expect(sets.pairs == 12)
        let march = try warehouse.purchaseSets(from: CalendarDate.instant("2011-03-01")!, before: Self.asOf)
        #expect(Set(march.byUser.keys.map { users[$0]! }) == ["d", "e", "g"])
        #expect(try warehouse.purchaseSets(before: CalendarDate.instant("2011-03-01")!).fingerprint != sets.fingerprint)
    }

    @Test func neighboursAreTheCosinesWorkedOutByHand() throws {
        let scratch = try Scratch()
        let warehouse = try fixture(scratch)
        let products = try names(warehouse, "products")
        let training = try warehouse.trainRecommendations(Self.options)
        var readable: [String: [String]] = [:]
        var similarity: [String: Double] = [:]
        for (item, neighbours) in training.model.neighbours {
            readable[products[item]!] = neighbours.map { products[$0.item]! }
            for neighbour in neighbours { similarity[products[item]! + products[neighbour.item]!] = neighbour.similarity }
        }
        #expect(readable == ["A": ["B", "C"], "B": ["A", "C"], "C": ["D", "A", "B"], "D": ["C"]])
        // Tolerance: one division and one square root apart from the closed forms.
        for (pair, expected) in [("AB", 3 / 12.0.squareRoot()), ("AC", 1 / 3.0), ("BC", 1 / 12.0.squareRoot()), ("CD", 2 / 6.0.squareRoot())] {
            #expect(abs(similarity[pair]! - expected) < 1e-12, "\(pair)")
        }
        #expect(training.trainingUsers == 6)
        #expect(training.trainingPairs == 12)
    }

    /// Before the cut (January) A–B = 2/3 is d's best new product and D's only neighbour is C;
    /// popularity ranks A, B (3 buyers) then C, D (2). Held out: d's B and g's C (e's B is a
    /// repeat). Top 1: item-to-item gives d B and g C (2 hits); popularity gives d B, g A (1 hit).
    @Test func holdoutCountsNewProductsOnlyAndBeatsPopularityAsWorkedOut() throws {
        let scratch = try Scratch()
        let warehouse = try fixture(scratch)
        let training = try warehouse.trainRecommendations(Self.options)
        #expect(training.holdout.users == 2 && training.baseline.users == 2)
        #expect([training.holdout.hitRate, training.holdout.recall] == [1, 1])
        #expect([training.baseline.hitRate, training.baseline.recall] == [0.5, 0.5])
        #expect(training.hitRateGain == 0.5)
        #expect(training.hitRateRelativeGain == 1)
    }

    @Test func recommendsWhatWasBoughtTogetherAndNeverWhatTheUserHas() throws {
        let scratch = try Scratch()
        let warehouse = try fixture(scratch)
        let stored = try warehouse.storeRecommendations(try warehouse.trainRecommendations(Self.options), promote: false)
        // e bought B: A (3/√12) first, then C (1/√12); B itself never.
        let e = try warehouse.recommend(customer: "e", snapshot: stored.snapshot, asOf: Self.asOf, count: 10)
        #expect(!e.isPopularityFallback)
        #expect(e.items.map(\.product.stockCode) == ["A", "C"])
        #expect(e.items.map { $0.because.map(\.product.stockCode) } == [["B"], ["B"]])
        // a bought A and B: only C, scored 1/3 + 1/√12, explained by A (1/3) before B (1/√12).
        let a = try warehouse.recommend(customer: "a", snapshot: stored.snapshot, asOf: Self.asOf, count: 10)
        #expect(a.items.map(\.product.stockCode) == ["C"])
        #expect(abs(a.items[0].score - (1 / 3.0 + 1 / 12.0.squareRoot())) < 1e-12)
        #expect(a.items[0].because.map(\.product.stockCode) == ["A", "B"])
    }

    @Test func aUserWithoutPurchasesGetsPopularityAndAnUnknownUserAnError() throws {
        let scratch = try Scratch()
        let warehouse = try fixture(scratch)
        let stored = try warehouse.storeRecommendations(try warehouse.trainRecommendations(Self.options), promote: false)
        let h = try warehouse.recommend(customer: "h", snapshot: stored.snapshot, asOf: Self.asOf, count: 2)
        #expect(h.isPopularityFallback)
        #expect(h.items.map(\.product.stockCode) == ["B", "A"])  // 4 buyers, then 3
        #expect(h.items.map(\.score) == [4, 3])
        let error = #expect(throws: RecommendationError.self) {
            try warehouse.recommend(customer: "nobody", snapshot: stored.snapshot, asOf: Self.asOf, count: 2)
        }
        #expect(error?.description.contains("no user 'nobody'") == true)
    }

    @Test func snapshotRoundTripsBitForBitWithItsEvaluation() throws {
        let scratch = try Scratch()
        let warehouse = try fixture(scratch)
        let training = try warehouse.trainRecommendations(Self.options)
        let stored = try warehouse.storeRecommendations(training, promote: true)
        #expect(stored.snapshot.kind == "item_similarity")
        #expect(stored.snapshot.name == "recommendations")
        let reloaded = try scratch.warehouse()
        let snapshot = try reloaded.snapshot("recommendations@production")
        #expect(RegistryFixtures.bitwiseEqual(try reloaded.loadParameters(snapshot), try training.model.encodeParameters()))
        #expect(try reloaded.recommendationModel(snapshot) == training.model)
        #expect(snapshot.dataFingerprint == training.fingerprint)
        #expect(snapshot.trainingRows == 6)
        #expect(snapshot.hyperparameters["evaluation_cut"]?.stringValue == "2011-03-02")
        #expect(snapshot.metrics["holdout"]?["hit_rate"]?.doubleValue == 1)
        #expect(snapshot.metrics["baseline_popularity"]?["hit_rate"]?.doubleValue == 0.5)
        #expect(snapshot.metrics["hit_rate_relative_gain"]?.doubleValue == 1)
        #expect(reloaded.recommendationCount(snapshot) == 1)
    }

    @Test func promotionNeedsAHigherStoredHitRate() throws {
        let scratch = try Scratch()
        let warehouse = try fixture(scratch)
        let training = try warehouse.trainRecommendations(Self.options)
        #expect(try warehouse.storeRecommendations(training, promote: true).promoted)
        let again = try warehouse.storeRecommendations(training, promote: true)
        #expect(!again.promoted)  // equal, not better
        #expect(again.promotionNote?.contains("production v1 1.0000") == true)
        #expect(try warehouse.currentAliases(of: "recommendations")[ModelNaming.production] == 1)
    }

    @Test func scoringStoresAtMostNPerUserReplacesTheRunAndNeverABoughtProduct() throws {
        let scratch = try Scratch()
        let warehouse = try fixture(scratch)
        let snapshot = try warehouse.storeRecommendations(try warehouse.trainRecommendations(Self.options), promote: false).snapshot
        let first = try warehouse.scoreRecommendations(snapshot, asOf: Self.asOf, count: 1)
        #expect(first.count == 6)  // every user has at least one candidate
        #expect(try warehouse.count("SELECT count(*) FROM recommendations") == 6)
        // With room for 10: a 1, b 1 (D), c 2, d 1, e 2, g 2; the earlier run is replaced.
        let rows = try warehouse.scoreRecommendations(snapshot, asOf: Self.asOf, count: 10)
        #expect(rows.count == 9)
        #expect(try warehouse.count("SELECT count(*) FROM recommendations") == 9)
        #expect(try warehouse.count("SELECT max(n) FROM (SELECT count(*) AS n FROM recommendations GROUP BY user_id)") == 2)
        #expect(try warehouse.count("""
            SELECT count(*) FROM recommendations r JOIN orders o ON o.user_id = r.user_id AND o.kind = 'purchase' AND o.ordered_at < r.as_of
            JOIN order_lines l ON l.order_id = o.id AND l.product_id = r.product_id
            """) == 0)
        let stored = try warehouse.storedRecommendations(snapshot: snapshot, asOf: Self.asOf)
        #expect(stored.filter { $0.customer == "c" }.map(\.product.stockCode) == ["A", "B"])
        #expect(stored.filter { $0.customer == "b" }.map(\.product.stockCode) == ["D"])
        #expect(try warehouse.storedRecommendations(snapshot: snapshot, asOf: Self.asOf, users: 1).map(\.customer) == ["a"])
    }
}
