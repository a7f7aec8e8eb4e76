import Foundation
import Testing
@testable import Warehouse

/// Inputs are regular files, FIFOs or stdin; devices, directories and sockets are refused (issue 13, item 7).
@Suite struct DeviceInputTests {
    @Test("devices, directories and sockets are refused naming the path and what it is; FIFOs are read")
    func onlyRegularFilesAndFIFOs() throws {
        #expect(throws: InputError.self) { try ByteSource.isStream("/dev/zero") }
        do { _ = try ByteSource(path: "/dev/urandom") } catch let error as InputError {
            #expect(error.description == "/dev/urandom: is a character device, not a regular file or a FIFO")
        }
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let error = #expect(throws: InputError.self) { try warehouse.importFile(scratch.directory.path, options: orderOptions(.onlineRetail)) }
        #expect(error?.reason == "is a directory, not a regular file or a FIFO")
        #expect(try warehouse.count("SELECT count(*) FROM imports") == 0)

        let fifo = scratch.path("orders.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let content = Data((InputTrustTests.header + InputTrustTests.line(1) + InputTrustTests.line(2)).utf8)
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: fifo) {
                handle.write(content)
                try? handle.close()
            }
        }
        writer.start()
        let summary = try warehouse.importFile(fifo, options: orderOptions(.onlineRetail))
        #expect(summary.counts.loaded == 2)
        #expect(try warehouse.db.scalar("SELECT length(sha256) FROM imports").int64 == 64)
    }
}
