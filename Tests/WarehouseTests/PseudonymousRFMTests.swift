import Foundation
import Testing
@testable import Warehouse

/// RFM of a pseudonymised warehouse equals RFM of a clear one customer by customer, scores and
/// segments included (docs/QUERIES.md, "Scores"; docs/PRIVACY.md): quintile ties go by a shuffle
/// of `users.id`, which pseudonymisation leaves alone, never by the id's text, which it changes.
@Suite struct PseudonymousRFMTests {
    static let key = try! PseudonymKey(bytes: Array("0123456789abcdef0123456789abcdef".utf8))

    /// Every path of RFM: the default as-of and a later midnight (from the customer totals), an
    /// as-of inside the period (grouped from the orders), one country (totals) and a look-back
    /// window.
    static let questions = [RFMOptions(), RFMOptions(scope: AnalyticsFixture.scope(asOf: "2012-02-01")),
                            RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-07-01")),
                            RFMOptions(scope: AnalyticsScope(country: "United Kingdom")),
                            RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-10-01", since: "2011-04-01"))]

    /// A customer's row without her id's text.
    private func withoutID(_ user: RFMUser) -> RFMUser {
        RFMUser(externalID: "", country: user.country, recencyDays: user.recencyDays, frequency: user.frequency,
                monetaryMicros: user.monetaryMicros, r: user.r, f: user.f, m: user.m, segment: user.segment)
    }

    @Test func pseudonymisedWarehousesScoreEveryCustomerAsTheClearOne() throws {
        let scratch = try Scratch()
        let sample = try SampleGenerator(.init(users: 600, seed: 21)).write(to: scratch.directory.appendingPathComponent("sample"))
        // The same files into a clear warehouse, one pseudonymised before its imports, and one
        // pseudonymised after them (its ids rewritten in place).
        let clear = try scratch.warehouse("clear.db"), before = try scratch.warehouse("before.db"), after = try scratch.warehouse("after.db")
        _ = try before.pseudonymise(key: Self.key)
        for (warehouse, key) in [(clear, nil), (before, Self.key), (after, nil)] {
            var users = ImportOptions(kind: .users, format: .csv), orders = orderOptions(.onlineRetail)
            users.pseudonymKey = key
            orders.pseudonymKey = key
            _ = try warehouse.importFile(sample.usersFile.path, options: users)
            _ = try warehouse.importFile(sample.ordersFile.path, options: orders)
        }
        _ = try after.pseudonymise(key: Self.key)

        for question in Self.questions {
            let plain = try clear.rfmUsers(question).users
            #expect(plain.count > 100)
            // Ties cross tile starts (some frequency is held by customers of two F scores), so the
            // tie rule decides scores here.
            let scoresByFrequency = Dictionary(grouping: plain, by: \.frequency).mapValues { Set($0.map(\.f)) }
            #expect(scoresByFrequency.values.contains { $0.count > 1 })
            for pseudonymised in [before, after] {
                let users = try pseudonymised.rfmUsers(question).users
                #expect(users.map(\.externalID) == plain.map { Self.key.pseudonym(of: $0.externalID) })
                #expect(users.map(withoutID) == plain.map(withoutID), "\(question.scope)")
                #expect(try pseudonymised.rfmSummary(question) == clear.rfmSummary(question))
            }
        }
    }
}
