import Foundation
import SQLiteStore
import Testing
import Warehouse

/// `--country` and `--since/--until` on the commands about customers (`score`, `segments`,
/// `clv summary`) and `--since` on `recommend`: each scoped answer equals the unscoped answer
/// filtered to the customers of the country whose first purchase is in the window, computed here
/// from the orders with SQL of the test's own; what cannot be answered is refused, naming why.
@Suite(.serialized) struct CustomerScopeCLITests {
    /// A customer as the test sees her: country and first purchase (Unix seconds).
    struct Customer {
        let country: String?
        let firstPurchase: Int64
    }

    /// The demo shop with its models, and every buying customer's country and first purchase.
    static func shop() throws -> (work: WorkDirectory, customers: [String: Customer]) {
        let work = try WorkDirectory()
        let demo = try Binary.run(["demo", "--users", "300", "--db", "w.db"], directory: work.url)
        try #require(demo.status == 0, "\(demo.stderr)")
        let rows = try Self.rows(["query", """
            SELECT u.external_id, u.country, min(o.ordered_at) AS first FROM users u JOIN orders o ON o.user_id = u.id
            WHERE o.kind = 'purchase' GROUP BY u.id
            """], in: work)
        var customers: [String: Customer] = [:]
        for row in rows {
            guard let id = row["external_id"]?.stringValue, let first = row["first"]?.doubleValue else { continue }
            customers[id] = Customer(country: row["country"]?.stringValue, firstPurchase: Int64(first))
        }
        try #require(Set(customers.values.compactMap(\.country)).count > 1, "the demo shop has several countries")
        return (work, customers)
    }

    /// The JSON answer of `arguments` on `w.db`.
    static func answer(_ arguments: [String], in work: WorkDirectory) throws -> JSONValue {
        let run = try Binary.run(arguments + ["--db", "w.db", "--format", "json"], directory: work.url)
        try #require(run.status == 0, "\(arguments): \(run.stderr)")
        return try JSONValue.parse(run.stdout)
    }

    /// The JSON rows of `arguments` on `w.db`.
    static func rows(_ arguments: [String], in work: WorkDirectory) throws -> [JSONValue] {
        guard case .array(let rows)? = try answer(arguments, in: work)["rows"] else { return [] }
        return rows
    }

    /// The window the tests scope by: from the median first purchase (a UTC midnight) on.
    static func since(_ customers: [String: Customer]) -> Int64 {
        let firsts = customers.values.map(\.firstPurchase).sorted()
        return firsts[firsts.count / 2] / 86_400 * 86_400
    }

    /// The most common country among the customers.
    static func country(_ customers: [String: Customer]) -> String {
        let counts = Dictionary(grouping: customers.values.compactMap(\.country), by: { $0 }).mapValues(\.count)
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? ""
    }

    @Test("score churn, clv, segments and recommendations with --country and --since: the unscoped rows of those customers")
    func scoreScopesTheCustomers() throws {
        let (work, customers) = try Self.shop()
        let country = Self.country(customers), since = Self.since(customers)
        let sinceText = RegistryClock.iso(since)
        let inScope: (String) -> Bool = { customers[$0]?.country == country && (customers[$0]?.firstPurchase ?? 0) >= since }
        try #require(customers.keys.contains(where: inScope) && !customers.keys.allSatisfy(inScope))
        var everyone: [String: Int] = [:]
        for (kind, key) in [("churn", "user"), ("clv", "customer"), ("segments", "user"), ("recommendations", "user")] {
            let all = try Self.rows(["score", kind], in: work)
            everyone[kind] = Set(all.compactMap { $0[key]?.stringValue }).count
            let scopedAnswer = try Self.answer(["score", kind, "--country", country, "--since", sinceText], in: work)
            guard case .array(let scoped)? = scopedAnswer["rows"] else { Issue.record("\(kind): no rows"); continue }
            let expected = all.filter { inScope($0[key]?.stringValue ?? "") }
            #expect(!scoped.isEmpty && scoped.count == expected.count, "\(kind): \(scoped.count) rows, \(expected.count) expected")
            #expect(Set(scoped) == Set(expected), "\(kind)")
            #expect(scopedAnswer["parameters"]?["country"] == .string(country) && scopedAnswer["parameters"]?["since"] == .string(sinceText),
                    "\(kind): \(String(describing: scopedAnswer["parameters"]))")
        }
        // The scoped run replaced only its customers' rows: the whole shop's run is still stored whole.
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        let stored = try db.scalar("SELECT count(DISTINCT p.user_id) FROM predictions p JOIN model_snapshots s ON s.id = p.snapshot_id WHERE s.name = 'churn'").int64
        #expect(stored == everyone["churn"].map(Int64.init))
    }

    @Test("segments --country --until describes only those customers: sizes equal their assignments in the whole shop")
    func segmentsDescribeTheScope() throws {
        let (work, customers) = try Self.shop()
        let country = Self.country(customers), until = Self.since(customers)
        let untilText = RegistryClock.iso(until)
        let inScope: (String) -> Bool = { customers[$0]?.country == country && (customers[$0]?.firstPurchase ?? .max) < until }
        var expected: [Int64: Int] = [:]
        for row in try Self.rows(["score", "segments"], in: work) where inScope(row["user"]?.stringValue ?? "") {
            if case .integer(let cluster)? = row["cluster"] { expected[cluster, default: 0] += 1 }
        }
        let scoped = try Self.rows(["segments", "--country", country, "--until", untilText], in: work)
        var sizes: [Int64: Int] = [:]
        for row in scoped {
            if case .integer(let cluster)? = row["cluster"], case .integer(let users)? = row["users"], users > 0 { sizes[cluster] = Int(users) }
            let rfm = (row.members ?? []).filter { $0.key.hasPrefix("rfm_") }.compactMap { $0.value.doubleValue }.reduce(0, +)
            #expect(rfm == row["users"]?.doubleValue, "each cluster's RFM segments add up to its customers")
        }
        #expect(!sizes.isEmpty && sizes == expected, "\(sizes) vs \(expected)")
        let shares = scoped.compactMap { $0["share"]?.doubleValue }.reduce(0, +)
        #expect(abs(shares - 1) < 1e-9, "shares are of the customers described (sum \(shares))")
    }

    @Test("clv summary --country --since --until: the unscoped summary rows of those customers")
    func clvSummaryScopesTheCustomers() throws {
        let (work, customers) = try Self.shop()
        let country = Self.country(customers)
        let firsts = customers.values.map(\.firstPurchase).sorted()
        let since = firsts[firsts.count / 4] / 86_400 * 86_400, until = firsts[3 * firsts.count / 4] / 86_400 * 86_400
        let text = RegistryClock.iso
        let inScope: (String) -> Bool = {
            guard let customer = customers[$0] else { return false }
            return customer.country == country && customer.firstPurchase >= since && customer.firstPurchase < until
        }
        let all = try Self.rows(["clv", "summary"], in: work)
        let scoped = try Self.rows(["clv", "summary", "--country", country, "--since", text(since), "--until", text(until)], in: work)
        let expected = all.filter { inScope($0["customer"]?.stringValue ?? "") }
        #expect(!scoped.isEmpty && scoped == expected, "\(scoped.count) rows, \(expected.count) expected")
    }

    @Test("recommend --since: only the orders from it count; from before every order it is the unscoped answer")
    func recommendLooksBackFromSince() throws {
        let (work, customers) = try Self.shop()
        let first = customers.values.map(\.firstPurchase).min() ?? 0
        let user = try #require(customers.min { ($0.value.firstPurchase, $0.key) < ($1.value.firstPurchase, $1.key) }?.key)
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        let last = try #require(try db.scalar("""
            SELECT max(o.ordered_at) FROM orders o JOIN users u ON u.id = o.user_id WHERE u.external_id = ? AND o.kind = 'purchase'
            """, user).int64)
        let lastOrder = try #require(try db.scalar("SELECT max(ordered_at) FROM orders").int64)
        let text = RegistryClock.iso
        let unscoped = try Self.answer(["recommend", user], in: work)
        let fromStart = try Self.answer(["recommend", user, "--since", text(first / 86_400 * 86_400)], in: work)
        #expect(fromStart["rows"] == unscoped["rows"] && fromStart["parameters"]?["popularity_fallback"] == .bool(false))
        if last < lastOrder {
            let afterHers = try Self.answer(["recommend", user, "--since", text(last + 1)], in: work)
            #expect(afterHers["parameters"]?["popularity_fallback"] == .bool(true), "she bought nothing from --since on")
            #expect(afterHers["parameters"]?["since"] == .string(text(last + 1)))
        }
        let until = try Binary.run(["recommend", user, "--until", "2011-01-01", "--db", "w.db"], directory: work.url)
        #expect(until.status != 0 && until.stderr.contains("--until: recommend ends at --as-of"), "\(until.stderr)")
    }

    @Test("an unknown country, an empty scope, --since after as-of and --users with a scope are refused, and nothing is stored")
    func refusals() throws {
        let (work, customers) = try Self.shop()
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        let stored = "SELECT count(*) FROM predictions"
        let before = try db.scalar(stored).int64
        for command in [["score", "churn"], ["score", "recommendations"], ["segments"], ["clv", "summary"]] {
            let narnia = try Binary.run(command + ["--country", "Narnia", "--db", "w.db"], directory: work.url)
            #expect(narnia.status != 0 && narnia.stderr.contains("--country 'Narnia': no customer is of that country; nearest known: "),
                    "\(command): \(narnia.stderr)")
        }
        let first = customers.values.map(\.firstPurchase).min() ?? 0
        let beforeAll = RegistryClock.iso(first / 86_400 * 86_400)
        let empty = try Binary.run(["score", "churn", "--until", beforeAll, "--db", "w.db"], directory: work.url)
        #expect(empty.status != 0 && empty.stderr.contains("no customer with a purchase before as-of is first purchase before"), "\(empty.stderr)")
        let late = try Binary.run(["segments", "--since", "2100-01-01", "--db", "w.db"], directory: work.url)
        #expect(late.status != 0 && late.stderr.contains("--since: must be before as-of"), "\(late.stderr)")
        try "x\n".write(toFile: work.path("ids.txt"), atomically: true, encoding: .utf8)
        let both = try Binary.run(["score", "churn", "--users", "ids.txt", "--country", "France", "--db", "w.db"], directory: work.url)
        #expect(both.status != 0 && both.stderr.contains("drop --country, --since and --until"), "\(both.stderr)")
        #expect(try db.scalar(stored).int64 == before)
    }
}
