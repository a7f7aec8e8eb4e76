import ArgumentParser
import Warehouse

/// `lifecycle migrate`: bring the database to this build's schema version.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Create the warehouse or apply pending schema migrations.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let warehouse = try database.openForWriting(migrating: false)
        let applied = try warehouse.migrate()
        let version = try warehouse.status().schemaVersion
        if applied.isEmpty {
            print("\(database.path): schema is up to date at version \(version)")
        } else {
            print("\(database.path): applied \(applied.joined(separator: ", ")); schema version \(version)")
        }
    }
}
