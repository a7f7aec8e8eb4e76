import ArgumentParser
import Foundation
import Warehouse

/// Options every command that opens the warehouse takes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The warehouse file (default: $LIFECYCLE_DB, else ./lifecycle.db).", valueName: "path"))
    var db: String?

    /// The path to open: `--db`, else `LIFECYCLE_DB`, else `./lifecycle.db`.
    var path: String {
        db ?? ProcessInfo.processInfo.environment["LIFECYCLE_DB"] ?? "lifecycle.db"
    }

    /// Opens the warehouse, migrating it to this build's schema.
    func open() throws -> Warehouse {
        do {
            return try Warehouse(path: path)
        } catch {
            throw ValidationError("cannot open \(path): \(error)")
        }
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Whether a stream is a terminal.
func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

/// `12345678` as `12,345,678`.
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return (value < 0 ? "-" : "") + out
}

/// Output format option shared by query commands.
struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format: table, csv, json or markdown (default: table on a terminal, csv otherwise).")
    var format: OutputFormat?

    var resolved: OutputFormat { format ?? .automatic(isTerminal: isTerminal(STDOUT_FILENO)) }
}

extension OutputFormat: ExpressibleByArgument {}
