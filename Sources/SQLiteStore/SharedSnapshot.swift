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

    /// Runs `body` with each reader on a thread of its own (the first on the calling thread, each
    /// other on a new one, so they run at once whatever the dispatch pool's width) and returns the
    /// results in the readers' order; the first error thrown is rethrown once all have ended.
    public func map<T>(_ body: @escaping (Int, Connection) throws -> T) throws -> [T] {
        let slots = Slots<T>(count: readers.count)
        let readers = UncheckedReaders(connections: self.readers)
        let work = UncheckedBody(body: body)
        let group = DispatchGroup()
        for index in readers.connections.indices.dropFirst() {
            group.enter()
            Thread {
                slots.slots[index] = Result { try work.body(index, readers.connections[index]) }
                group.leave()
            }.start()
        }
        slots.slots[0] = Result { try work.body(0, readers.connections[0]) }
        group.wait()
        return try slots.results.map { try $0!.get() }
    }
}

/// One result per reader, each slot written by its own thread only (raw memory: threads writing
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
