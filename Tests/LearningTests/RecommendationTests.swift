import Foundation
import Testing
@testable import Learning

@Suite("Item-to-item recommendations")
struct RecommendationTests {
    // Users: 1 {A, B}, 2 {A, B, C}, 3 {B, C}, 4 {C, D} with A = 10, B = 20, C = 30, D = 40.
    // Buyers: A 2, B 3, C 3, D 1. Co-purchases: AB 2, AC 1, BC 2, CD 1.
    // Cosine: AB 2/√6, AC 1/√6, BC 2/3, CD 1/√3.
    static let purchases: [Int: Set<Int>] = [1: [10, 20], 2: [10, 20, 30], 3: [20, 30], 4: [30, 40]]
    static let ab = 2 / 6.0.squareRoot(), ac = 1 / 6.0.squareRoot(), bc = 2.0 / 3, cd = 1 / 3.0.squareRoot()

    /// Similarities are short closed forms: compare to 1e-12.
    func close(_ actual: [ItemNeighbour]?, _ expected: [(Int, Double)]) -> Bool {
        guard let actual, actual.count == expected.count else { return false }
        return zip(actual, expected).allSatisfy { $0.item == $1.0 && abs($0.similarity - $1.1) < 1e-12 }
    }

    @Test("cosine neighbours by hand, most similar first")
    func neighbours() {
        let model = ItemSimilarityModel.fit(purchases: Self.purchases)
        #expect(close(model.neighbours[10], [(20, Self.ab), (30, Self.ac)]))
        #expect(close(model.neighbours[20], [(10, Self.ab), (30, Self.bc)]))
        #expect(close(model.neighbours[30], [(20, Self.bc), (40, Self.cd), (10, Self.ac)]))
        #expect(close(model.neighbours[40], [(30, Self.cd)]))
    }

    @Test("top-K keeps only the K most similar neighbours")
    func topK() {
        let model = ItemSimilarityModel.fit(purchases: Self.purchases, neighbourCount: 1)
        #expect(close(model.neighbours[30], [(20, Self.bc)]))
        // With one neighbour each, A's and B's neighbours are each other: nothing new for {A, B}.
        #expect(model.recommend(for: [10, 20], count: 5).isEmpty)
    }

    @Test("minimum co-purchases drops rare pairs")
    func minimumCoPurchases() {
        let model = ItemSimilarityModel.fit(purchases: Self.purchases, minimumCoPurchases: 2)
        #expect(close(model.neighbours[30], [(20, Self.bc)]))
        #expect(model.neighbours[40] == nil)
    }

    @Test("recommendations sum neighbours' similarities and skip bought items")
    func recommend() {
        let model = ItemSimilarityModel.fit(purchases: Self.purchases)
        let forA = model.recommend(for: [10], count: 5)
        #expect(forA.map(\.item) == [20, 30])
        let forAB = model.recommend(for: [10, 20], count: 5)
        #expect(forAB.map(\.item) == [30])
        #expect(abs(forAB[0].score - (Self.ac + Self.bc)) < 1e-12)
        let forBC = model.recommend(for: [20, 30], count: 1)
        #expect(forBC.map(\.item) == [10])
        #expect(abs(forBC[0].score - (Self.ab + Self.ac)) < 1e-12)
    }

    @Test("popularity ranks by buyers, ties by item id")
    func popularity() {
        let model = PopularityModel.fit(purchases: Self.purchases)
        #expect(model.ranking == [ScoredItem(item: 20, score: 3), ScoredItem(item: 30, score: 3),
                                  ScoredItem(item: 10, score: 2), ScoredItem(item: 40, score: 1)])
        #expect(model.recommend(for: [20], count: 2).map(\.item) == [30, 10])
    }

    @Test("hit rate and recall at 1 by hand, item-based vs popularity")
    func evaluation() {
        // Held out: user 1 {C}, user 3 {A, D}, user 5 (unseen in training) {B}.
        let heldOut: [Int: Set<Int>] = [1: [30], 3: [10, 40], 5: [20], 6: []]
        let items = ItemSimilarityModel.fit(purchases: Self.purchases)
        // User 1 gets C (hit, recall 1); user 3 gets A (A: AB + AC = 1.22 beats D: 0.58; hit, recall
        // ½); user 5 has no history, so nothing (miss, 0). User 6 has nothing held out: skipped.
        let itemResult = RecommendationEvaluation.evaluate(items, training: Self.purchases, heldOut: heldOut, count: 1)
        #expect(itemResult.users == 3)
        #expect(abs(itemResult.hitRate - 2.0 / 3) < 1e-12)
        #expect(abs(itemResult.recall - 0.5) < 1e-12)
        // Popularity: user 1 gets C (hit), user 3 gets A (hit, ½), user 5 gets B (hit).
        let popular = PopularityModel.fit(purchases: Self.purchases)
        let popularResult = RecommendationEvaluation.evaluate(popular, training: Self.purchases, heldOut: heldOut, count: 1)
        #expect(popularResult.hitRate == 1)
        #expect(abs(popularResult.recall - 2.5 / 3) < 1e-12)
    }

    @Test("fitting is independent of dictionary order: two fits are equal")
    func deterministic() {
        var rng = Xoshiro256StarStar(seed: 12)
        var purchases: [Int: Set<Int>] = [:]
        for user in 0..<300 {
            purchases[user] = Set((0..<(1 + rng.nextIndex(below: 6))).map { _ in rng.nextIndex(below: 40) })
        }
        // The same data inserted in reverse into a much larger table iterates in another order.
        var reordered: [Int: Set<Int>] = [:]
        reordered.reserveCapacity(10_000)
        for user in purchases.keys.sorted().reversed() { reordered[user] = purchases[user] }
        let first = ItemSimilarityModel.fit(purchases: purchases, neighbourCount: 5)
        let second = ItemSimilarityModel.fit(purchases: reordered, neighbourCount: 5)
        #expect(first == second)
        #expect(first.recommend(for: [1, 2, 3], count: 10) == second.recommend(for: [3, 2, 1], count: 10))
    }

    @Test("the bounded heap keeps exactly what a full sort's first K are, ties by item id")
    func heapSelectionMatchesSorting() {
        var rng = Xoshiro256StarStar(seed: 7)
        for k in [1, 3, 10, 60] {
            // Few distinct similarities, so many ties must be broken by item id.
            let candidates = (0..<200).map { _ in ItemNeighbour(item: rng.nextIndex(below: 1_000), similarity: Double(rng.nextIndex(below: 8)) / 8) }
            var heap = TopNeighbours(capacity: k)
            for candidate in candidates { heap.offer(candidate) }
            #expect(heap.sorted() == Array(candidates.sorted(by: TopNeighbours.isBetter).prefix(k)))
        }
    }
}
