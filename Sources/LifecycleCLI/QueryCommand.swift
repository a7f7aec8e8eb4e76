import ArgumentParser
import Foundation
import SQLiteStore
import Warehouse

/// `lifecycle query "SELECT …"` or `lifecycle query NAME`: any read-only SQL, or a query of
/// `sql/`, answered in every format, on a read-only connection.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one read-only SQL statement, or a named query of sql/, and print its rows in any format.",
        discussion: """
            SQL is a single SELECT (or another statement that only reads: WITH, PRAGMA that reads, EXPLAIN). \
            A statement that would write is refused before it runs, and the warehouse is opened read-only, so \
            nothing can change it. NAME is a file of sql/ without .sql (\(AdHocQuery.catalogNames.joined(separator: ", "))), \
            the same text the sqlite3 shell runs with .param set and .read. Parameters the statement declares and \
            --param does not set are NULL.

            On a postgresql:// warehouse (--db or LIFECYCLE_DB) the statement runs on the server inside a READ ONLY \
            transaction that is always rolled back: PostgreSQL refuses any write, and query says so. NAME is a file \
            of sql/postgres/ (\(SQLCatalog.postgresQueryNames.joined(separator: ", "))). Columns come back as on a file: \
            integers and numeric as numbers (numeric as an integer when whole, else the nearest double), text as text, \
            boolean as true/false, date and timestamps as ISO 8601 text, bytea as x'…', uuid and json as text; \
            other types (interval, arrays, …) are refused by column: cast them, e.g. ::text.
            """)

    @Argument(help: ArgumentHelp("A SQL statement, or the name of a query of sql/ (e.g. rfm_users).", valueName: "sql-or-name"))
    var query: String

    @Option(name: .customLong("param"), help: ArgumentHelp("A :named parameter's value: 5 is an integer, 0.5 a real, anything else text as written, e.g. as_of=2011-12-10 (repeatable).", valueName: "name=value"))
    var parameters: [String] = []

    @Option(help: ArgumentHelp("Write the output to this file instead of standard output (format by extension: .json, .jsonl, .md, else csv, unless --format).", valueName: "file"))
    var out: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    func validate() throws {
        _ = try parsedParameters()
    }

    /// `--param` values by name (a leading `:`, `@` or `$` is dropped).
    func parsedParameters() throws -> [String: SQLValue] {
        var values: [String: SQLValue] = [:]
        for text in parameters {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError("--param \(text): write name=value, e.g. --param as_of=2011-12-10")
            }
            var name = String(text[..<equals])
            if let first = name.first, ":@$".contains(first) { name.removeFirst() }
            guard values[name] == nil else { throw ValidationError("--param \(name) is given twice") }
            values[name] = AdHocQuery.value(String(text[text.index(after: equals)...]))
        }
        return values
    }

    /// The format: --format, else by --out's extension, else table on a terminal and csv otherwise.
    var format: OutputFormat {
        if let chosen = output.format { return chosen }
        guard let out else { return output.resolved }
        switch URL(fileURLWithPath: out).pathExtension.lowercased() {
        case "json": return .json
        case "jsonl": return .jsonl
        case "md": return .markdown
        default: return .csv
        }
    }

    func run() throws {
        let query = AdHocQuery(self.query, parameters: try parsedParameters())
        let table: Table
        do {
            if let url = database.postgresURL {
                // Read-only on the server: BEGIN READ ONLY … ROLLBACK (PostgresWarehouse.run).
                let warehouse = try database.openPostgresForReading(url: url)
                table = try database.onServer(url) { try warehouse.run(query) }
            } else {
                table = try database.openForReading().run(query)
            }
        } catch let error as QueryError {
            throw ValidationError(error.description)
        } catch let error as SQLiteError {
            throw ValidationError("query: \(error.message)")
        }
        let file = query.name.map { database.postgresURL == nil ? "sql/\($0).sql" : "sql/postgres/\($0).sql" }
        var parameters = [JSONMember("sql", .string(file ?? query.sql))]
        parameters += query.parameters.keys.sorted().map { name in JSONMember(name, Self.json(query.parameters[name] ?? .null)) }
        let answer = Answer(question: "query", parameters: parameters, table: table)
        guard let out else { return emit(answer, as: format) }
        do {
            try answer.rendered(as: format).write(toFile: out, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("--out \(out): cannot write the file: \(error.localizedDescription)")
        }
        printError("\(grouped(table.rows.count)) rows written to \(out)")
    }

    private static func json(_ value: SQLValue) -> JSONValue {
        switch value {
        case .null: return .null
        case .integer(let integer): return .integer(integer)
        case .real(let real): return .number(real)
        case .text(let text): return .string(text)
        case .blob: return .string(value.description)
        }
    }
}
