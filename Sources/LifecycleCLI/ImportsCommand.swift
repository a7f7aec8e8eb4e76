import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle imports list|undo`: the import ledger, and taking an import back.
struct ImportsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imports",
        abstract: "List the imports, or undo one (remove exactly what it added).",
        subcommands: [ImportsList.self, ImportsUndo.self]
    )
}

/// `lifecycle imports list`.
struct ImportsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List every import: id, kind, format, file, status, counts, times (UTC) and options.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    func run() throws {
        let records: [ImportRecord]
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForReading(url: url)
            records = try database.onServer(url) { try warehouse.listImports() }
        } else {
            records = try database.openForReading().listImports()
        }
        emit(Answer(question: "imports list", table: ImportRecord.table(records)), as: output.resolved)
    }
}

/// `lifecycle imports undo ID [--dry-run]`.
struct ImportsUndo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Remove what one import added, in one transaction, and bring what depends on it up to date.",
        discussion: """
            Removes the import's orders and their lines, the lines it added to earlier orders (restoring their totals), its events, \
            and the users and products it created that nothing else uses; the import stays listed as undone. Refused, changing \
            nothing, while something later depends on it: a model trained after it, a later import that added lines to its \
            orders, features or RFM snapshots made after it.
            """)

    @Argument(help: "The import's id (see lifecycle imports list).")
    var id: Int64

    @Flag(name: .customLong("dry-run"), help: "Say what would be removed and change nothing.")
    var dryRun = false

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let summary: UndoSummary
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForWriting(url: url)
            summary = try database.onServer(url) { try warehouse.undoImport(id, dryRun: dryRun) }
        } else {
            summary = try database.openForWriting(creating: false).undoImport(id, dryRun: dryRun)
        }
        print(Self.describe(summary))
    }

    static func describe(_ s: UndoSummary) -> String {
        let verb = s.dryRun ? "would remove" : "removed"
        var text = "import \(s.importID) (\(s.kind), \(s.file)): \(verb) \(s.orders) orders, \(s.lines) order lines "
            + "(restoring \(s.ordersRestored) earlier orders), \(s.events) events, \(s.users) users, \(s.products) products"
        if s.usersKept + s.productsKept > 0 {
            text += "; keeps \(s.usersKept) users and \(s.productsKept) products it added that later imports use"
        }
        return text + (s.dryRun ? " (dry run: nothing changed)" : "")
    }
}
