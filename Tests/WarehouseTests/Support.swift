import Foundation
import SQLiteStore
@testable import Warehouse

/// A temporary directory for one test: files written from strings, a warehouse opened in it.
final class Scratch {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lifecycle-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes `text` (or raw bytes) to a file and returns its path.
    @discardableResult
    func file(_ name: String, _ text: String) throws -> String {
        try bytes(name, Array(text.utf8))
    }

    @discardableResult
    func bytes(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A warehouse in this directory (the same file on every call).
    func warehouse(_ name: String = "test.db") throws -> Warehouse {
        try Warehouse(path: path(name))
    }
}

/// The shared data sets beside the repository (../shared/data), when present.
enum SharedData {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data")

    static func path(_ relative: String) -> String? {
        let url = root.appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: url.path) ? url.path : nil
    }
}

extension Warehouse {
    func count(_ sql: String, _ values: any SQLBindable...) throws -> Int {
        Int(try db.cached(sql).rows(values).first?[0].int64 ?? -1)
    }
}

let london = TimeZone(identifier: "Europe/London")!
let utc = TimeZone(identifier: "UTC")!

func orderOptions(_ format: ImportFormat, zone: TimeZone? = london, map: [String: String] = [:], currency: String? = nil,
                  encoding: TextEncoding? = nil, strict: Bool = false, batchSize: Int = 50_000) -> ImportOptions {
    ImportOptions(kind: .orders, format: format, timeZone: zone, currency: currency, columnMap: map, encoding: encoding,
                  strict: strict, batchSize: batchSize)
}
