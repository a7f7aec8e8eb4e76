import Foundation
import SQLiteStore

/// Copies an import's committed WAL frames into the database file on a thread of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the
/// importing thread, which then waits for the copy and its two fsyncs. During an import the
/// writer's automatic checkpoints are off and this thread, with its own connection, runs a
/// PASSIVE checkpoint after each commit instead: it does not block the writer, and a checkpoint
/// is safe at any moment, so crash safety is unchanged. SQLite starts the log over only when a
/// write transaction begins on a fully copied log, which never happens while the copying trails
/// the writer; so every `restartEvery` commits the writer waits for a checkpoint of everything
/// committed, and the log stays bounded (about that many batches). Only for file databases in WAL mode.
final class BackgroundCheckpointer: @unchecked Sendable {
    private let writer: Connection
    /// The thread's own connection (connections are never shared between threads); closed by
    /// `stop`, so it never outlives the writer: a connection left open when the process ends
    /// leaves the `-shm` file behind (and a reader in a read-only directory then cannot open).
    private var checkpointing: Connection?
    private let previousLimit: Int64
    private let condition = NSCondition()
    /// Checkpoints asked for, and the last request served by a finished checkpoint.
    private var requested = 0
    private var served = 0
    private var commits = 0
    private let restartEvery: Int
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the thread, or returns nil when `writer` is not a file database in WAL mode.
    init?(writer: Connection, restartEvery: Int = 4) throws {
        guard try writer.scalar("PRAGMA journal_mode").string == "wal" else { return nil }
        checkpointing = try Connection(path: writer.path, mode: .readWrite)
        self.writer = writer
        self.restartEvery = restartEvery
        previousLimit = try writer.scalar("PRAGMA wal_autocheckpoint").int64 ?? 1000
        try writer.execute("PRAGMA wal_autocheckpoint = 0")
        let thread = Thread { [self] in self.loop() }
        thread.start()
    }

    /// Asks for a checkpoint of what is committed so far (call after each commit); every
    /// `restartEvery` commits, waits for it, so the next transaction starts the log over.
    func committed() {
        commits += 1
        condition.lock()
        defer { condition.unlock() }
        requested += 1
        let ticket = requested
        condition.broadcast()
        guard commits % restartEvery == 0 else { return }
        while served < ticket && !stopping { condition.wait() }
    }

    /// Stops the thread, waits for it, and gives the writer its automatic checkpoints back.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        finished.wait()
        checkpointing = nil
        try? writer.execute("PRAGMA wal_autocheckpoint = \(previousLimit)")
    }

    private func loop() {
        while true {
            condition.lock()
            while served == requested && !stopping { condition.wait() }
            let stop = stopping, ticket = requested
            condition.unlock()
            if stop { break }
            // PASSIVE copies what no reader still needs and returns; a busy database is retried next time.
            try? checkpointing?.execute("PRAGMA wal_checkpoint(PASSIVE)")
            condition.lock()
            served = ticket
            condition.broadcast()
            condition.unlock()
        }
        finished.signal()
    }
}
