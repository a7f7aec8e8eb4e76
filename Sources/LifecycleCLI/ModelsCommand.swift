import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle models ...`: the model registry (snapshots, aliases, verification, export).
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Model snapshots: list, show, diff, promote, roll back, export and verify versions.",
        discussion: """
            A model reference is NAME (the production alias when set, else the latest version), NAME@VERSION (e.g. churn@3), NAME@latest or NAME@ALIAS (e.g. churn@candidate).

            Alias moves record who made them: $LIFECYCLE_USER, else the OS user name.
            """,
        subcommands: [
            ModelsList.self, ModelsShow.self, ModelsDiff.self, ModelsPromote.self, ModelsRollback.self,
            ModelsUnalias.self, ModelsHistory.self, ModelsExport.self, ModelsVerify.self, ModelsCompare.self,
        ]
    )
}

/// Parses a model reference argument, naming the problem when it does not parse (exit status 1,
/// like every registry error, rather than a usage error).
func parseReference(_ text: String) throws -> ModelReference {
    try ModelReference(parsing: text)
}

/// A `models` command that could not do its job: the message is printed as `Error: ...`, exit 1.
struct ModelsFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Prints titled tables in a text format (table or markdown), a blank line between them.
func printTables(_ parts: [TitledTable], as format: OutputFormat) {
    var first = true
    for part in parts {
        if !first { print("") }
        first = false
        if !part.title.isEmpty { print(format == .markdown ? "### \(part.title)\n" : part.title) }
        print(part.table.rendered(as: format, width: tableWidth(format)), terminator: "")
    }
}

/// Prints a JSON value, indented.
func printJSON(_ value: JSONValue) throws {
    print(try value.prettyJSONText())
}
