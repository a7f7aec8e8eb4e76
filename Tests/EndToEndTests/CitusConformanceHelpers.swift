import Foundation
import PostgresStore
import SQLiteStore
import Testing

extension CitusCLITests {
    /// Runs `arguments` on the SQLite file and on the server and expects both to succeed and
    /// print the same (standard output and standard error), the output holding `marker` so the
    /// comparison is not of two empty answers.
    static func expectSameAnswer(_ arguments: [String], file: String, url: String, in work: WorkDirectory, holding marker: String) throws {
        let onSQLite = try Binary.run(arguments + ["--db", file], directory: work.url)
        let onCitus = try Binary.run(arguments + ["--db", url], directory: work.url)
        #expect(onSQLite.status == 0 && onCitus.status == 0, "\(arguments): \(onSQLite.stderr) \(onCitus.stderr)")
        #expect(onCitus.stdout == onSQLite.stdout && onSQLite.stdout.contains(marker), "\(arguments) answers otherwise on Citus: \(onCitus.stdout.prefix(600))")
        #expect(onCitus.stderr == onSQLite.stderr, "\(arguments): \(onSQLite.stderr) | \(onCitus.stderr)")
    }

    /// Expects `query` to return the same rows on both engines (integers and text exactly, reals
    /// to 1e-9 relative), `count` of them when given.
    static func expectSameRows(_ query: String, sqlite: Connection, citus: PGConnection, count: Int? = nil) throws {
        let onSQLite = try sqlite.query(query).map { $0.values.map(CitusFeaturesConformanceTests.value) }
        if let count { #expect(onSQLite.count == count, "\(query): \(onSQLite.count) rows") }
        #expect(try citus.query(query).map { $0.values.map(CitusFeaturesConformanceTests.value) } == onSQLite, "\(query)")
    }
}
