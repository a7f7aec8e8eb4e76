import ArgumentParser
import Foundation
import Warehouse

/// Options every command that opens the warehouse takes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The warehouse: a file (SQLite), or a postgresql://USER@HOST/DB URL (PostgreSQL, with or without Citus; a Unix socket as ?host=/socket/dir; only migrate, status, import, rfm, retention, activity, report, features build, query, train (all kinds), score, clv summary, segments, recommend, satisfaction, imports list and undo, rejects purge, privacy keep-rejects-days and status, reporting-timezone and models so far). Default: $LIFECYCLE_DB, else ./lifecycle.db.",
        valueName: "path-or-url"))
    var db: String?

    /// What `--db`, else `LIFECYCLE_DB`, else `./lifecycle.db` names, as given.
    private var given: String {
        db ?? ProcessInfo.processInfo.environment["LIFECYCLE_DB"] ?? "lifecycle.db"
    }

    /// The PostgreSQL URL to connect to, when the warehouse is on a server rather than in a file.
    var postgresURL: String? {
        PostgresWarehouse.isURL(given) ? given : nil
    }

    /// The warehouse for messages: the file's path, or the server's URL with its password masked.
    var path: String {
        postgresURL.map(PostgresWarehouse.masked) ?? given
    }

    /// Refuses a PostgreSQL URL for a command that does not run there yet (issue 16's later work),
    /// instead of treating the URL as a file name.
    private func requireFile() throws {
        guard postgresURL == nil else {
            throw ValidationError("\(path): this command does not run on PostgreSQL yet; on a postgresql:// warehouse only `lifecycle migrate`, `lifecycle status`, `lifecycle import`, `lifecycle rfm`, `lifecycle retention`, `lifecycle activity`, `lifecycle report`, `lifecycle features build`, `lifecycle query`, `lifecycle train` (all kinds), `lifecycle score`, `lifecycle clv summary`, `lifecycle segments`, `lifecycle recommend`, `lifecycle satisfaction`, `lifecycle imports list`, `lifecycle imports undo`, `lifecycle rejects purge`, `lifecycle privacy keep-rejects-days`, `lifecycle privacy status`, `lifecycle reporting-timezone` and `lifecycle models` work so far")
        }
    }

    /// Connects to the PostgreSQL warehouse at `url` for a command that writes, migrating it
    /// unless `migrating` is false; errors name the URL with its password masked.
    func openPostgresForWriting(url: String, migrating: Bool = true) throws -> PostgresWarehouse {
        try onServer(url) { try PostgresWarehouse.openForWriting(url: url, migrating: migrating) }
    }

    /// Connects to the PostgreSQL warehouse at `url` for a command that only reads.
    func openPostgresForReading(url: String) throws -> PostgresWarehouse {
        try onServer(url) { try PostgresWarehouse.openForReading(url: url) }
    }

    /// Runs `body` against the server at `url`, turning any failure into one message that names
    /// the server with its password masked; the command's own refusals (`ValidationError`) are
    /// worded as on a file and pass unchanged.
    func onServer<T>(_ url: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ValidationError {
            throw error
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw ValidationError(PostgresWarehouse.describe(error, url: url))
        }
    }

    /// Runs `body` with the warehouse's model registry, on either engine: the file opened for
    /// reading, or for writing (an existing file, waiting its turn behind another writer), or
    /// the server, whose failures name it with the password masked.
    func withRegistry<T>(writing: Bool = false, _ body: (any ModelRegistry) throws -> T) throws -> T {
        if let url = postgresURL {
            let warehouse = writing ? try openPostgresForWriting(url: url) : try openPostgresForReading(url: url)
            return try onServer(url) { try body(warehouse) }
        }
        return try body(writing ? try openForWriting(creating: false) : try openForReading())
    }

    /// Opens the warehouse for a command that writes (imports, training, scoring, saves): waits
    /// its turn behind any other writer of the same file, saying so on a terminal, then creates the
    /// file when missing and migrates it. Call it before computing anything, so a command never
    /// shows results and then fails to store them. `creating: false` refuses a missing path (for
    /// commands that change what must already be there); `migrating: false` only checks the schema.
    func openForWriting(creating: Bool = true, migrating: Bool = true) throws -> Warehouse {
        try requireFile()
        do {
            return try Warehouse.openForWriting(path: path, command: Self.commandLine, creating: creating, migrating: migrating,
                                                waiting: announceWait)
        } catch let error as WarehouseOpenError {
            throw ValidationError(error.description)
        } catch {
            throw ValidationError("cannot open \(path): \(error)")
        }
    }

    /// Opens an existing warehouse for a command that only reads: no waiting, no change to the
    /// file; a missing path or a file that is not a warehouse is refused with what to do.
    func openForReading() throws -> Warehouse {
        try requireFile()
        do {
            return try Warehouse.openForReading(path: path)
        } catch let error as WarehouseOpenError {
            throw ValidationError(error.description)
        } catch {
            throw ValidationError("cannot open \(path): \(error)")
        }
    }

    /// Opens for writing when `writes`, else for reading: for commands whose options decide.
    func open(writing writes: Bool) throws -> Warehouse {
        writes ? try openForWriting() : try openForReading()
    }

    /// This process's command line as a user typed it, recorded in the writer lock.
    static var commandLine: String {
        (["lifecycle"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    }

    /// Tells a user at a terminal what the command waits for; silent in pipes and scripts.
    private func announceWait(_ holder: WriterLock.Holder?) {
        guard isTerminal(STDERR_FILENO) else { return }
        guard let holder else {
            printError("waiting for another lifecycle command that writes to \(path) to finish…")
            return
        }
        let running = max(0, Int64(Date().timeIntervalSince1970) - holder.startedAt)
        printError("waiting for \(holder.command) (pid \(holder.pid), running \(running) s) to finish…")
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Whether a stream is a terminal.
func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

/// The width of the terminal on standard output in columns: `$COLUMNS` when set, else what the
/// terminal says; nil when unknown.
func terminalColumns() -> Int? {
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
}

/// The width tables in `format` are fitted to: the terminal's columns for the table format on a
/// terminal, nil (no limit) otherwise, so files and pipes get whole lines.
func tableWidth(_ format: OutputFormat) -> Int? {
    format == .table && isTerminal(STDOUT_FILENO) ? terminalColumns() : nil
}

/// `12345678` as `12,345,678`, by the tables' grouping rule.
func grouped(_ value: Int) -> String { Format.count(value) }

/// Output format option shared by query commands.
struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format: table, csv, json (one object: question, parameters, as_of, rows, notes), jsonl (one row per line) or markdown (default: table on a terminal, csv otherwise; docs/OUTPUT.md).")
    var format: OutputFormat?

    var resolved: OutputFormat { format ?? .automatic(isTerminal: isTerminal(STDOUT_FILENO)) }
}

extension OutputFormat: ExpressibleByArgument {}
