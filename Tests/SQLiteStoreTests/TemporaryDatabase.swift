import Foundation
import SQLiteStore

/// A database file in its own temporary directory, removed when the value is released.
final class TemporaryDatabase {
    let directory: URL
    let path: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqlitestore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("test.db").path
    }

    func open() throws -> Connection { try Connection(path: path) }

    deinit { try? FileManager.default.removeItem(at: directory) }
}
