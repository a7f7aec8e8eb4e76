import SQLiteStore
import Testing
@testable import Warehouse

/// A scoring run is stored in ascending user id, whatever order its rows come in, and a user's
/// several rows (recommendations, by rank) keep the order they were given.
struct ScoringRunOrderTests {
    @Test func rowsAreStoredByUserWithEachUsersRowsInTheirOrder() {
        let rows = [(7, 1), (3, 1), (7, 2), (1, 1), (3, 2), (7, 3), (2, 1)].map {
            ScoringRow(userID: Int64($0.0), values: [.integer(Int64($0.1))])
        }
        let stored = Array(Warehouse.byUser(rows.lazy.map { $0 }))
        #expect(stored.map(\.userID) == [1, 2, 3, 3, 7, 7, 7])
        #expect(stored.map { $0.values[0] } == [1, 1, 1, 2, 1, 2, 3].map { SQLValue.integer($0) })
        #expect(Array(Warehouse.byUser([ScoringRow]())).isEmpty)
    }
}
