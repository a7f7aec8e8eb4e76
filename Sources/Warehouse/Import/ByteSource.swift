import CZlib
import Crypto
import Foundation

/// Why an input could not be read.
public struct InputError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let reason: String
    public var description: String { "\(file): \(reason)" }
}

/// A stream of the bytes of one input: a file or standard input (`-`), gzip-compressed or not
/// (detected from the magic bytes, whatever the name). Reads in large chunks, so memory stays
/// flat whatever the input's size; optionally computes the SHA-256 of the bytes as stored.
public final class ByteSource {
    /// The name the input was given by ("-" for standard input).
    public let name: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var raw: [UInt8]
    private var rawStart = 0
    private var rawEnd = 0
    private var rawEOF = false
    private var hasher: SHA256?
    private var inflater: UnsafeMutablePointer<z_stream>?
    private var decided = false
    /// Inside a gzip member that has not reached its end yet.
    private var memberOpen = false
    /// Bytes read from the input as stored (compressed bytes for gzip).
    public private(set) var storedBytesRead: Int64 = 0

    /// Opens `path` ("-" for standard input).
    /// - Parameter hashing: compute the SHA-256 of the stored bytes while reading.
    public init(path: String, hashing: Bool = false, chunkSize: Int = 1 << 20) throws {
        name = path
        if path == "-" {
            descriptor = STDIN_FILENO
            ownsDescriptor = false
        } else {
            _ = try Self.isStream(path)
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw InputError(file: path, reason: String(cString: strerror(errno))) }
            descriptor = fd
            ownsDescriptor = true
        }
        raw = [UInt8](repeating: 0, count: chunkSize)
        hasher = hashing ? SHA256() : nil
    }

    /// Whether `path` is read as a stream that cannot be read twice (standard input `-` or a
    /// FIFO) rather than a regular file. Anything else (a device such as /dev/zero, a directory,
    /// a socket) is refused: it may never end, or is not a file of rows.
    public static func isStream(_ path: String) throws -> Bool {
        if path == "-" { return true }
        var info = stat()
        guard stat(path, &info) == 0 else { throw InputError(file: path, reason: String(cString: strerror(errno))) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return false
        case S_IFIFO: return true
        case S_IFCHR: throw InputError(file: path, reason: "is a character device, not a regular file or a FIFO")
        case S_IFBLK: throw InputError(file: path, reason: "is a block device, not a regular file or a FIFO")
        case S_IFDIR: throw InputError(file: path, reason: "is a directory, not a regular file or a FIFO")
        case S_IFSOCK: throw InputError(file: path, reason: "is a socket, not a regular file or a FIFO")
        default: throw InputError(file: path, reason: "is not a regular file or a FIFO")
        }
    }

    deinit {
        if let inflater {
            inflateEnd(inflater)
            inflater.deallocate()
        }
        if ownsDescriptor { close(descriptor) }
    }

    /// Hex SHA-256 of every stored byte read so far (complete once `read` returned 0).
    public func sha256Hex() -> String? {
        hasher.map { $0.finalize().map { String(format: "%02x", $0) }.joined() }
    }

    /// Fills the raw buffer from the descriptor when it is empty.
    private func refillRaw() throws {
        guard rawStart == rawEnd, !rawEOF else { return }
        let count = raw.withUnsafeMutableBytes { buffer in
            var n: Int
            repeat { n = Foundation.read(descriptor, buffer.baseAddress, buffer.count) } while n < 0 && errno == EINTR
            return n
        }
        if count < 0 { throw InputError(file: name, reason: "read failed: \(String(cString: strerror(errno)))") }
        if count == 0 { rawEOF = true }
        rawStart = 0
        rawEnd = count
        storedBytesRead += Int64(count)
        if count > 0, hasher != nil {
            raw.withUnsafeBytes { hasher?.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    /// Reads up to `buffer.count` decompressed bytes; returns 0 at the end of the input.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try refillRaw()
        if !decided {
            decided = true
            if rawEnd - rawStart >= 2 && raw[rawStart] == 0x1F && raw[rawStart + 1] == 0x8B { try startInflate() }
        }
        guard let stream = inflater else {
            if rawStart == rawEnd { return 0 }
            let count = min(buffer.count, rawEnd - rawStart)
            raw.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + rawStart, byteCount: count)
            }
            rawStart += count
            return count
        }
        return try inflate(stream, into: buffer)
    }

    private func startInflate() throws {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 16 + MAX_WBITS: expect a gzip header.
        guard inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            throw InputError(file: name, reason: "cannot start gzip decompression")
        }
        inflater = stream
    }

    private func inflate(_ stream: UnsafeMutablePointer<z_stream>, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            try refillRaw()
            if rawStart == rawEnd && rawEOF {
                if memberOpen { throw InputError(file: name, reason: "gzip data ends unexpectedly (truncated file?)") }
                return 0
            }
            memberOpen = true
            let available = rawEnd - rawStart
            let (status, produced, consumed) = raw.withUnsafeMutableBytes { source -> (Int32, Int, Int) in
                stream.pointee.next_in = source.baseAddress!.assumingMemoryBound(to: Bytef.self) + rawStart
                stream.pointee.avail_in = uInt(available)
                stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(buffer.count)
                let status = CZlib.inflate(stream, Z_NO_FLUSH)
                return (status, buffer.count - Int(stream.pointee.avail_out), available - Int(stream.pointee.avail_in))
            }
            rawStart += consumed
            switch status {
            case Z_OK, Z_BUF_ERROR:
                if produced > 0 { return produced }
            case Z_STREAM_END:
                // A gzip file may hold several members one after another.
                inflateReset(stream)
                memberOpen = false
                if produced > 0 { return produced }
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "code \(status)"
                throw InputError(file: name, reason: "corrupt gzip data: \(message)")
            }
        }
    }

    /// SHA-256 (hex) and size of a file's stored bytes, read in one pass.
    public static func digest(ofFile path: String) throws -> (sha256: String, size: Int64) {
        let source = try ByteSource(path: path, hashing: true)
        while source.rawEOF == false {
            source.rawStart = source.rawEnd
            try source.refillRaw()
        }
        return (source.sha256Hex() ?? "", source.storedBytesRead)
    }
}
