import Foundation

/// Read connections to one database that all see the same committed state, so that parts of one
/// question can be read on several threads (one SQLite connection runs on one core) and still add
/// up to the answer a single statement would give. Debian's SQLite has no snapshot API
/// (`sqlite3_snapshot_open`), so the state is pinned by holding the write lock on a guard
/// connection while each reader starts its read transaction: no commit can land in between. The
/// guard writes nothing and lets go at once; the readers keep their snapshot until they are done.
public final class SharedSnapshot {
    /// The readers, each inside a read transaction on the same snapshot.
    public let readers: [Connection]

    /// Opens `count` read-only connections to the database at `path` on one snapshot, or returns
    /// nil when that cannot be done at once: the write lock is held (a writer is in a transaction;
    /// waiting for it would stall a reader behind a writer, which WAL exists to avoid), the file
    /// cannot be written (a read-only file or directory), or a connection cannot be opened. The
    /// caller then reads on its one connection.
    public init?(path: String, count: Int) {
        guard path != ":memory:", !path.isEmpty, count > 0 else { return nil }
        do {
            let guardConnection = try Connection(path: path, mode: .readWrite, busyTimeout: 0)
            try guardConnection.execute("BEGIN IMMEDIATE")
            defer { try? guardConnection.execute("COMMIT") }
            var readers: [Connection] = []
            for _ in 0..<count {
                let reader = try Connection(path: path, mode: .readOnly, busyTimeout: 0)
                try reader.execute("BEGIN")
                _ = try reader.scalar("SELECT count(*) FROM sqlite_schema")
                readers.append(reader)
            }
            self.readers = readers
        } catch {
            return nil
        }
    }

    deinit {
        for reader in readers { try? reader.execute("COMMIT") }
    }

    /// Runs `body` for parts 0..<`parts`, each reader on a thread of its own (the first on the
    /// calling thread, each other on a new one, so they run at once whatever the dispatch pool's
    /// width) taking the next part as it finishes one, so a reader whose parts are light takes
    /// more of them. Returns the results in part order; the first error thrown (no part is
    /// started after it) is rethrown once all readers have stopped.
    public func map<T>(parts: Int, _ body: @escaping (Int, Connection) throws -> T) throws -> [T] {
        let slots = Slots<T>(count: parts)
        let readers = UncheckedReaders(connections: self.readers)
        let work = UncheckedBody(body: body)
        let queue = PartQueue(parts: parts)
        @Sendable func drain(_ reader: Connection) {
            while let part = queue.next() {
                let result = Result { try work.body(part, reader) }
                if case .failure = result { queue.stop() }
                slots.slots[part] = result
            }
        }
        let group = DispatchGroup()
        for index in readers.connections.indices.dropFirst() {
            group.enter()
            Thread {
                drain(readers.connections[index])
                group.leave()
            }.start()
        }
        drain(readers.connections[0])
        group.wait()
        let results = slots.results
        if let failure = results.first(where: { if case .failure = $0 { return true } else { return false } }) {
            _ = try failure!.get()
        }
        return try results.map { try $0!.get() }
    }
}

/// The parts not taken yet, handed out one at a time under a lock.
private final class PartQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = 0
    private let parts: Int

    init(parts: Int) { self.parts = parts }

    /// The next part, or nil when all are taken or `stop()` was called.
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard taken < parts else { return nil }
        taken += 1
        return taken - 1
    }

    /// Hands out no more parts.
    func stop() {
        lock.lock()
        taken = parts
        lock.unlock()
    }
}

/// One result per part, each slot written by the one thread that took the part (raw memory: threads writing
/// different elements of one Swift array would race on its copy-on-write check).
private final class Slots<T>: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<Result<T, Error>?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    var results: [Result<T, Error>?] { Array(slots) }
}

/// The readers handed to the threads: each thread uses its own connection only.
private struct UncheckedReaders: @unchecked Sendable {
    let connections: [Connection]
}

/// The caller's work, run on each thread with that thread's reader.
private struct UncheckedBody<T>: @unchecked Sendable {
    let body: (Int, Connection) throws -> T
}
