import Foundation
import SQLiteStore

/// What one import did.
public struct ImportSummary: Sendable {
    public let importID: Int64
    public let file: String
    public let kind: ImportKind
    public let format: ImportFormat
    /// Counts for the whole file, including rows an interrupted earlier run already committed.
    public let counts: ImportCounts
    /// Rows that an interrupted earlier run had committed and this run skipped.
    public let resumedAfter: Int
    /// Seconds this run took.
    public let elapsed: Double
    /// Rows this run read per second.
    public var rowsPerSecond: Double { elapsed > 0 ? Double(counts.read - resumedAfter) / elapsed : 0 }
}

/// Progress of a running import, for a progress bar.
public struct ImportProgress: Sendable {
    public let rowsRead: Int
    public let bytesRead: Int64
    public let totalBytes: Int64?
    public let elapsed: Double
}

/// Streams files into the warehouse: decode, validate, normalise, deduplicate, and load in
/// batched transactions, each of which also records the counts so far. A killed run leaves
/// only whole batches, and the same command resumes it; every rejected row is stored.
public final class Importer {
    private let db: Connection
    /// Called every few thousand rows while importing.
    public var onProgress: ((ImportProgress) -> Void)?

    public init(db: Connection) {
        self.db = db
    }

    /// The outcome of one row.
    private enum RowOutcome {
        case loaded, duplicate
        case rejected(String)
    }

    /// Imports one file (`-` for standard input; gzip is detected).
    public func importFile(_ path: String, options: ImportOptions) throws -> ImportSummary {
        let started = DispatchTime.now().uptimeNanoseconds
        let digest = path == "-" ? nil : try ByteSource.digest(ofFile: path)
        let source = try ByteSource(path: path, hashing: digest == nil)
        let ledger = try ImportLedger.begin(db: db, kind: options.kind, format: options.format, fileName: path,
                                            size: digest?.size, sha256: digest?.sha256, options: options.canonicalJSON)
        let splitting: FieldSplitting = options.format == .cdnow ? .whitespace : .delimited(options.delimiter)
        let reader = CSVReader(source: source, splitting: splitting)
        let text = FieldText(reader: reader, encoding: options.encoding)
        let zone = options.timeZone.map(ZoneConverter.init)
        var counts = ledger.startCounts
        do {
            let (hasPendingRecord, handle) = try makeHandler(reader: reader, text: text, zone: zone, options: options, ledger: ledger, path: path)
            var pending = hasPendingRecord
            var index = 0
            var inBatch = 0
            try db.execute("BEGIN IMMEDIATE")
            while true {
                if !pending {
                    guard try reader.next() else { break }
                }
                pending = false
                if reader.isBlankLine { continue }
                index += 1
                let replaying = index <= ledger.alreadyDone
                let outcome = try handle(replaying, &counts)
                if replaying { continue }
                counts.read += 1
                switch outcome {
                case .loaded: counts.loaded += 1
                case .duplicate: counts.duplicate += 1
                case .rejected(let reason):
                    counts.rejected += 1
                    try ledger.reject(line: reader.line, reason: reason, raw: reader.rawText)
                    if options.strict {
                        try commitBatch(ledger: ledger, counts: counts)
                        let error = ImportError(file: path, line: reader.line, reason: reason + " (--strict stops at the first rejected row)")
                        try ledger.fail(error.description)
                        throw StrictStop(error: error)
                    }
                }
                inBatch += 1
                if inBatch >= options.batchSize {
                    try commitBatch(ledger: ledger, counts: counts)
                    try db.execute("BEGIN IMMEDIATE")
                    inBatch = 0
                }
                if counts.read & 0x1FFF == 0, let onProgress {
                    onProgress(ImportProgress(rowsRead: counts.read, bytesRead: source.storedBytesRead, totalBytes: digest?.size,
                                              elapsed: Self.seconds(since: started)))
                }
            }
            try flushWriters()
            try ledger.checkpoint(counts)
            try ledger.finish(sha256: source.sha256Hex(), size: source.storedBytesRead)
            try db.execute("COMMIT")
        } catch let stop as StrictStop {
            throw stop.error
        } catch {
            if db.isInTransaction { try? db.execute("ROLLBACK") }
            let message = (error as? ImportError)?.description ?? "\(path): \(error)"
            try? ledger.fail(message)
            throw error
        }
        return ImportSummary(importID: ledger.id, file: path, kind: options.kind, format: options.format, counts: counts,
                             resumedAfter: ledger.alreadyDone, elapsed: Self.seconds(since: started))
    }

    private var flushWriters: () throws -> Void = {}

    /// A `--strict` stop: the rows before it are committed and the import is already marked failed.
    private struct StrictStop: Error {
        let error: ImportError
    }

    private func commitBatch(ledger: ImportLedger, counts: ImportCounts) throws {
        try flushWriters()
        try ledger.checkpoint(counts)
        try db.execute("COMMIT")
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Builds the per-row handler for the import's kind and format; reads the header.
    private func makeHandler(reader: CSVReader, text: FieldText, zone: ZoneConverter?, options: ImportOptions,
                             ledger: ImportLedger, path: String) throws -> (Bool, (Bool, inout ImportCounts) throws -> RowOutcome) {
        let entities = try EntityResolver(db: db, importID: ledger.id)
        flushWriters = {}
        switch options.kind {
        case .orders:
            var decoder: any OrderRowDecoder
            switch options.format {
            case .onlineRetail:
                decoder = OnlineRetailDecoder(file: path, zone: zone, dateOrder: options.dateOrder, currency: options.currency ?? "GBP")
            case .cdnow:
                decoder = CDNOWDecoder(file: path, zone: zone, currency: options.currency ?? "USD")
            case .csv:
                decoder = CSVOrderDecoder(file: path, zone: zone, dateOrder: options.dateOrder, currency: options.currency, map: options.columnMap)
            }
            let pending = try decoder.readHeader(reader, text: text)
            let writer = try OrderWriter(db: db, importID: ledger.id, entities: entities)
            flushWriters = { try writer.flush() }
            let fixed = decoder
            return (pending, { replaying, counts in
                switch fixed.decode(reader, text: text) {
                case .failure(let rejection): return .rejected(rejection.reason)
                case .success(let line):
                    if replaying {
                        try writer.replay(line)
                        return .duplicate
                    }
                    return try writer.write(line, sourceLine: reader.line, counts: &counts) ? .loaded : .duplicate
                }
            })
        case .events:
            guard options.format == .csv else {
                throw ImportError(file: path, line: nil, reason: "events are imported with --format csv (got \(options.format.rawValue))")
            }
            let decoder = try CSVEventDecoder(reader: reader, text: text, file: path, zone: zone, dateOrder: options.dateOrder, map: options.columnMap)
            let writer = EventWriter(db: db, importID: ledger.id, entities: entities)
            return (false, { replaying, _ in
                if replaying { return .duplicate }
                switch decoder.decode(reader, text: text) {
                case .failure(let rejection): return .rejected(rejection.reason)
                case .success(let event): return try writer.write(event) ? .loaded : .duplicate
                }
            })
        case .users:
            guard options.format == .csv else {
                throw ImportError(file: path, line: nil, reason: "users are imported with --format csv (got \(options.format.rawValue))")
            }
            let decoder = try CSVUserDecoder(reader: reader, text: text, file: path, zone: zone, dateOrder: options.dateOrder, map: options.columnMap)
            let writer = UserWriter(db: db, importID: ledger.id)
            return (false, { replaying, _ in
                if replaying { return .duplicate }
                switch decoder.decode(reader, text: text) {
                case .failure(let rejection): return .rejected(rejection.reason)
                case .success(let user): return try writer.write(user) ? .loaded : .duplicate
                }
            })
        }
    }
}
