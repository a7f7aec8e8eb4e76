import Foundation

/// The whole-command lock that makes writers of one warehouse take turns: an exclusive `flock`
/// on the file `PATH.lock` beside the database, held from before the database is opened (and
/// migrated) until the writer's process closes it or ends. The kernel releases it when the process
/// dies, so a killed command never leaves a stale lock. The holder writes who it is into the file
/// so that a writer waiting for it can say what it waits for.
public final class WriterLock {
    /// Who holds the lock, as its holder recorded it.
    public struct Holder: Sendable, Equatable {
        public let pid: Int32
        /// Unix seconds when the holder took the lock.
        public let startedAt: Int64
        /// The holder's command line.
        public let command: String
    }

    /// The lock file's path (`PATH.lock` for the database at `PATH`).
    public let path: String
    private let descriptor: Int32

    /// The lock file that guards the database at `databasePath`.
    public static func lockPath(forDatabase databasePath: String) -> String { databasePath + ".lock" }

    /// Takes the lock for the database at `databasePath`, waiting as long as another process holds
    /// it. `waiting` is called once, before waiting, with what the current holder recorded (nil
    /// when it has not written it yet).
    public init(database databasePath: String, command: String, waiting: (Holder?) -> Void) throws {
        path = Self.lockPath(forDatabase: databasePath)
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw WarehouseOpenError.cannotLock(path: path, reason: String(cString: strerror(errno)))
        }
        if !Self.lock(descriptor, blocking: false) {
            waiting(Self.holder(descriptor))
            guard Self.lock(descriptor, blocking: true) else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw WarehouseOpenError.cannotLock(path: path, reason: reason)
            }
        }
        record(command: command)
    }

    deinit { close(descriptor) }

    /// `flock(LOCK_EX)`, retried when a signal interrupts it; false when not taken.
    private static func lock(_ descriptor: Int32, blocking: Bool) -> Bool {
        while true {
            if flock(descriptor, LOCK_EX | (blocking ? 0 : LOCK_NB)) == 0 { return true }
            if errno != EINTR { return false }
        }
    }

    /// Replaces the file's content with this process's pid, start time and command line.
    private func record(command: String) {
        let text = "pid \(getpid())\nstarted \(Int64(Date().timeIntervalSince1970))\ncommand \(command)\n"
        ftruncate(descriptor, 0)
        _ = Array(text.utf8).withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Reads what a holder recorded; nil when the file holds no complete record.
    private static func holder(_ descriptor: Int32) -> Holder? {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        var fields: [Substring: Substring] = [:]
        for line in String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            fields[line[..<space]] = line[line.index(after: space)...]
        }
        guard let pid = fields["pid"].flatMap({ Int32($0) }), let started = fields["started"].flatMap({ Int64($0) }),
              let command = fields["command"] else { return nil }
        return Holder(pid: pid, startedAt: started, command: String(command))
    }
}
