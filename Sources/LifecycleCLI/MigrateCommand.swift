import ArgumentParser
import Warehouse

/// `lifecycle migrate`: bring the database to this build's schema version.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Create the warehouse or apply pending schema migrations.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForWriting(url: url, migrating: false)
            let applied = try database.onServer(url) { try warehouse.migrate() }
            let version = try database.onServer(url) { try warehouse.status(recent: 0) }.schemaVersion
            report(applied: applied, version: version)
            return
        }
        let warehouse = try database.openForWriting(migrating: false)
        let applied = try warehouse.migrate()
        let version = try warehouse.status().schemaVersion
        report(applied: applied, version: version)
    }

    private func report(applied: [String], version: Int) {
        if applied.isEmpty {
            print("\(database.path): schema is up to date at version \(version)")
        } else {
            print("\(database.path): applied \(applied.joined(separator: ", ")); schema version \(version)")
        }
    }
}
