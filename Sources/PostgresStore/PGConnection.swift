import Foundation
import PostgresNIO

/// One connection to a PostgreSQL server, used synchronously.
///
/// The lifecycle CLI is synchronous (one command, one thread of control, like its SQLite
/// side), so this type blocks: each call sends its request on a private one-thread SwiftNIO event
/// loop and waits for the answer with `EventLoopFuture.wait()`. The waiting thread is never an
/// event-loop thread and never needs Swift concurrency's cooperative pool, so a caller on any
/// thread — the CLI's main thread, or a test function on the pool — cannot starve the work it
/// waits for. (Blocking on a `Task` instead would hold a pool thread while the task needs one:
/// on a 2-core machine two such waits deadlock.) Not for use from several threads at once.
///
/// Statements take `$1`-style positional parameters (``query(_:_:)``) or `:name` parameters
/// (``query(_:named:)``), bound by the protocol, never spliced into the text.
public final class PGConnection {
    public let location: PostgresLocation
    private let group: MultiThreadedEventLoopGroup
    let connection: PostgresConnection
    let logger: Logger
    private var closed = false

    private init(location: PostgresLocation, group: MultiThreadedEventLoopGroup, connection: PostgresConnection, logger: Logger) {
        self.location = location
        self.group = group
        self.connection = connection
        self.logger = logger
    }

    deinit {
        if !closed { try? close() }
    }

    /// Connects and logs in; throws ``PostgresStoreError`` of kind `.connection` with the
    /// server's reason (no such socket, refused login, missing database) and the masked URL.
    public static func open(_ location: PostgresLocation) throws -> PGConnection {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "lifecycle.postgres")
        logger.logLevel = .critical
        do {
            if let socket = location.socketPath, !FileManager.default.fileExists(atPath: socket) {
                throw PostgresStoreError(kind: .connection, location: location.redacted,
                                         message: "no server socket at \(socket) (is the server running?)")
            }
            let configuration = try configuration(for: location)
            let connection = try PostgresConnection.connect(on: group.next(), configuration: configuration, id: 1, logger: logger).wait()
            return PGConnection(location: location, group: group, connection: connection, logger: logger)
        } catch {
            try? group.syncShutdownGracefully()
            if let error = error as? PostgresStoreError { throw error }
            throw PGErrorMapping.storeError(error, kind: .connection, location: location, sql: nil)
        }
    }

    private static func configuration(for location: PostgresLocation) throws -> PostgresConnection.Configuration {
        switch location.endpoint {
        case .unixSocket:
            return PostgresConnection.Configuration(unixSocketPath: location.socketPath ?? "", username: location.user,
                                                    password: location.password, database: location.database)
        case let .tcp(host, port):
            let tls: PostgresConnection.Configuration.TLS
            switch location.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            return PostgresConnection.Configuration(host: host, port: port, username: location.user, password: location.password,
                                                    database: location.database, tls: tls)
        }
    }

    /// Closes the connection and stops its event loop. Safe to call twice.
    public func close() throws {
        guard !closed else { return }
        closed = true
        defer { try? group.syncShutdownGracefully() }
        try? connection.close().wait()
    }

    /// Runs one statement with `$1`-style parameters and returns all its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PGValue] = []) throws -> [PGRow] {
        var bindings = PostgresBindings(capacity: parameters.count)
        for value in parameters { try PGValueCoding.bind(value, into: &bindings) }
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        do {
            let result = try connection.query(query, logger: logger).wait()
            return try result.rows.map(PGValueCoding.row)
        } catch {
            throw PGErrorMapping.storeError(error, kind: .statement, location: location, sql: sql)
        }
    }

    /// Runs one statement whose parameters are written `:name`, binding each from `parameters`;
    /// a name the statement uses but `parameters` lacks is refused before anything is sent.
    @discardableResult
    public func query(_ sql: String, named parameters: [String: PGValue]) throws -> [PGRow] {
        let (numbered, values) = try numbering(sql, parameters)
        return try query(numbered, values)
    }

    /// Runs one statement (`:name` parameters, as ``query(_:named:)``) and hands `body` each row
    /// as it arrives, holding none: for results too big to keep as rows (a customer-day per row,
    /// a user per row). `body` runs while the statement is still being read, so it must not use
    /// this connection; an error it throws stops the statement and is rethrown as it is.
    public func forEachRow(_ sql: String, named parameters: [String: PGValue], _ body: @escaping (PGRow) throws -> Void) throws {
        let (numbered, values) = try numbering(sql, parameters)
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { try PGValueCoding.bind(value, into: &bindings) }
        let sink = RowSink(body)
        do {
            _ = try connection.query(PostgresQuery(unsafeSQL: numbered, binds: bindings), logger: logger) { row in
                try sink.take(try PGValueCoding.row(row))
            }.wait()
        } catch {
            if let failure = sink.failure { throw failure }
            throw PGErrorMapping.storeError(error, kind: .statement, location: location, sql: numbered)
        }
    }

    /// `sql` with its `:name` parameters numbered `$1`, `$2`... and their values in that order;
    /// a name `parameters` lacks is refused before anything is sent.
    private func numbering(_ sql: String, _ parameters: [String: PGValue]) throws -> (String, [PGValue]) {
        let (numbered, names) = SQLScanner.numberingNamedParameters(sql)
        let values = try names.map { name in
            guard let value = parameters[name] else {
                throw PostgresStoreError(kind: .statement, location: location.redacted, message: "no value for parameter :\(name)", sql: sql)
            }
            return value
        }
        return (numbered, values)
    }

    /// The first column of the first row, or `.null` when there is no row.
    public func scalar(_ sql: String, _ parameters: [PGValue] = []) throws -> PGValue {
        try query(sql, parameters).first?.values.first ?? .null
    }

    /// Runs every statement of a script in order (a migration file): split at semicolons that are
    /// outside strings, dollar-quoted bodies and comments, each sent on its own.
    public func execute(script: String) throws {
        for statement in SQLScanner.statements(script) { try query(statement) }
    }

    /// Loads `rows` into `table` (its `columns`, in order) with `COPY ... FROM STDIN` in text
    /// format, sent in pieces of at most 1 MiB. Inside a transaction the rows commit with it.
    ///
    /// postgres-nio offers COPY only as an `async` function. It runs here as a task whose jobs
    /// run on this connection's own event loop (``EventLoopTaskExecutor``), and the caller waits
    /// on a semaphore, so, as for every other call, no thread of Swift concurrency's cooperative
    /// pool is needed while one may be blocked waiting (docs/ARCHITECTURE.md).
    /// `table` and `columns` are the caller's identifiers, never input text.
    public func copy(into table: String, columns: [String], _ rows: PGCopyText) throws {
        guard !rows.isEmpty else { return }
        let sql = "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN"
        let connection = self.connection, logger = self.logger
        let bytes = rows.bytes
        do {
            try blocking {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    var start = 0
                    while start < bytes.count {
                        let end = min(start + (1 << 20), bytes.count)
                        try await writer.write(ByteBuffer(bytes: bytes[start..<end]))
                        start = end
                    }
                }
            }
        } catch {
            throw PGErrorMapping.storeError(error, kind: .statement, location: location, sql: sql)
        }
    }

    /// Runs postgres-nio's `async` `work` as a task whose jobs run on this connection's own event
    /// loop (``EventLoopTaskExecutor``) while the caller waits on a semaphore, so no thread of
    /// Swift concurrency's cooperative pool is needed while one may be blocked waiting.
    func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let finished = DispatchSemaphore(value: 0)
        let outcome = TaskOutcome<T>()
        let body: @Sendable () async -> Void = {
            do {
                outcome.result = .success(try await work())
            } catch {
                outcome.result = .failure(error)
            }
            finished.signal()
        }
        if #available(macOS 15.0, iOS 18.0, *) {
            Task(executorPreference: EventLoopTaskExecutor(loop: connection.eventLoop)) { await body() }
        } else {
            Task.detached { await body() }
        }
        finished.wait()
        return try outcome.result!.get()
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let value = try body()
            try query("COMMIT")
            return value
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }
}


/// The caller's row handler for ``PGConnection/forEachRow(_:named:_:)``. postgres-nio calls it on
/// the connection's event loop while the caller waits for the statement to end, so the two never
/// run at once; the first error the handler throws is kept to be rethrown unchanged.
private final class RowSink: @unchecked Sendable {
    private let body: (PGRow) throws -> Void
    private(set) var failure: (any Error)?

    init(_ body: @escaping (PGRow) throws -> Void) {
        self.body = body
    }

    func take(_ row: PGRow) throws {
        do {
            try body(row)
        } catch {
            if failure == nil { failure = error }
            throw error
        }
    }
}

/// Where a task leaves its result for the waiting caller (written before the semaphore is
/// signalled, read after it is waited for).
private final class TaskOutcome<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// Runs a task's jobs on a SwiftNIO event loop, so an `async` postgres-nio call needs no thread of
/// the cooperative pool.
@available(macOS 15.0, iOS 18.0, *)
private final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
