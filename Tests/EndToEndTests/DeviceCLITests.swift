import Foundation
import SQLiteStore
import Testing

/// Devices through the binary: refused at once instead of hanging (issue 13, item 7).
@Suite struct DeviceCLITests {
    /// Runs the binary under coreutils' `timeout`, so a hang fails the test (status 124) instead of stalling it.
    static func runWithTimeout(_ seconds: Int, _ arguments: [String], directory: URL) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["--signal=KILL", String(seconds), Binary.url.path] + arguments
        process.currentDirectoryURL = directory
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("import of /dev/zero, /dev/urandom or a directory is refused at once, naming the path and what it is, with no ledger row")
    func devicesAreRefused() throws {
        let work = try WorkDirectory()
        try FileManager.default.createDirectory(atPath: work.path("dir"), withIntermediateDirectories: true)
        for (path, what) in [("/dev/zero", "a character device"), ("/dev/urandom", "a character device"), ("dir", "a directory")] {
            let result = try Self.runWithTimeout(60, ["import", "orders", path, "--format", "csv", "--db", "w.db"], directory: work.url)
            #expect(result.status == 1, "\(path): \(result.stderr)")
            #expect(result.stderr.contains("\(path): is \(what), not a regular file or a FIFO"), "\(result.stderr)")
        }
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        #expect(try db.scalar("SELECT count(*) FROM imports").int64 == 0)
    }
}
