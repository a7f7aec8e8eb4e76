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

    /// How one import kind decodes and writes its rows.
    private struct RowHandler<Row> {
        /// The reader was left on a data record by the header step.
        var startsOnRecord: Bool
        /// Runs on the decoding thread: must not touch the database.
        var decode: (CSVReader, FieldText) -> Result<Row, RowRejection>
        /// The customer a row belongs to (external id as stored), checked against the erasure log.
        var customer: (Row) -> String?
        /// Loads a row; true when new, false when already stored. Throws a `RowRejection`, having
        /// written nothing of the row, when the row conflicts with what is stored.
        var write: (Row, _ line: Int, inout ImportCounts) throws -> Bool
        /// The row without free text that names an erased customer (an event's properties),
        /// applied before it is written.
        var scrub: (Row, inout ErasedCustomers) -> Row = { row, _ in row }
        /// Re-counts a row an interrupted run already committed (resuming).
        var replay: (Row) throws -> Void = { _ in }
        /// Applies per-batch work before a commit.
        var flush: () throws -> Void = {}
    }

    /// Imports one file (`-` for standard input; gzip is detected).
    public func importFile(_ path: String, options: ImportOptions) throws -> ImportSummary {
        if let currency = options.currency, CurrencyCode.normalized(currency) == nil {
            throw ImportError(file: path, line: nil, reason: CurrencyCode.refusal(currency, source: "--currency"))
        }
        let started = DispatchTime.now().uptimeNanoseconds
        // A stream (stdin, a FIFO) can be read only once: it is hashed while it is imported.
        let digest = try ByteSource.isStream(path) ? nil : try ByteSource.digest(ofFile: path)
        let privacy = try ImportPrivacy.resolve(db, options: options, file: path)
        let source = try ByteSource(path: path, hashing: digest == nil)
        let ledger = try ImportLedger.begin(db: db, kind: options.kind, format: options.format, path: path,
                                            pseudonymised: privacy.pseudonyms != nil, size: digest?.size,
                                            sha256: digest?.sha256, options: options.storedJSON(defaultWindow: .standard(), keeping: privacy.properties))
        let window = options.dateWindow ?? Self.storedDefaultWindow(ledger.options) ?? .standard()
        let splitting: FieldSplitting = options.format == .cdnow ? .whitespace : .delimited(options.delimiter)
        let reader = CSVReader(source: source, splitting: splitting)
        let text = FieldText(reader: reader, encoding: options.encoding)
        let zone = options.timeZone.map(ZoneConverter.init)
        let context = RunContext(path: path, options: options, privacy: privacy, ledger: ledger, source: source, totalBytes: digest?.size,
                                 started: started)
        let counts: ImportCounts
        // The pragma is a no-op inside a transaction, so it is restored here, after any rollback below.
        defer { try? db.execute("PRAGMA foreign_keys = ON") }
        do {
            if options.kind == .orders {
                // OrderWriter checks each batch's references itself (BatchReferenceCheck).
                try db.execute("PRAGMA foreign_keys = OFF")
            }
            _ = try DeferredIndexes.dropIfEmpty(db, table: Self.table(of: options.kind))
            let entities = try EntityResolver(db: db, importID: ledger.id, pseudonyms: privacy.pseudonyms)
            switch options.kind {
            case .orders:
                let handler = try orderHandler(reader: reader, text: text, zone: zone, window: window, options: options, ledger: ledger,
                                               path: path, entities: entities, pseudonyms: privacy.pseudonyms)
                counts = try run(handler, reader: reader, text: text, context: context)
            case .events:
                try options.requireCSV(file: path)
                let decoder = try CSVEventDecoder(reader: reader, text: text, file: path, zone: zone, dateOrder: options.dateOrder,
                                                 map: options.columnMap, window: window, keeping: privacy.properties)
                let writer = EventWriter(db: db, importID: ledger.id, entities: entities)
                let handler = RowHandler<EventInput>(startsOnRecord: false, decode: decoder.decode, customer: \.userRef,
                                                     write: { event, _, counts in try writer.write(event, counts: &counts) },
                                                     scrub: { event, erased in event.withoutProperties(naming: &erased) })
                counts = try run(handler, reader: reader, text: text, context: context)
            case .users:
                try options.requireCSV(file: path)
                let decoder = try CSVUserDecoder(reader: reader, text: text, file: path, zone: zone, dateOrder: options.dateOrder,
                                                map: options.columnMap, window: window)
                let writer = UserWriter(db: db, importID: ledger.id, entities: entities)
                let handler = RowHandler<UserInput>(startsOnRecord: false, decode: decoder.decode, customer: \.externalID,
                                                    write: { user, _, _ in try writer.write(user) })
                counts = try run(handler, reader: reader, text: text, context: context)
            }
        } catch let stop as StrictStop {
            restoreDeferredIndexes(options)
            throw stop.error
        } catch {
            let message = (error as? ImportError)?.description ?? "\(path): \(error)"
            ledger.recordFailure(message)
            restoreDeferredIndexes(options)
            throw error
        }
        return ImportSummary(importID: ledger.id, file: path, kind: options.kind, format: options.format, counts: counts,
                             resumedAfter: ledger.alreadyDone, elapsed: Self.seconds(since: started))
    }

    /// What one run needs besides the rows.
    private struct RunContext {
        let path: String
        let options: ImportOptions
        let privacy: ImportPrivacy
        let ledger: ImportLedger
        let source: ByteSource
        let totalBytes: Int64?
        let started: UInt64
    }

    /// The writer loop: takes decoded chunks from the decoding thread and loads them in batched
    /// transactions, each ending with the import's counts so far.
    private func run<Row>(_ handler: RowHandler<Row>, reader: CSVReader, text: FieldText, context: RunContext) throws -> ImportCounts {
        let ledger = context.ledger
        var counts = ledger.startCounts
        let decoding = DecodingThread<Row>(reader: reader, source: context.source, text: text,
                                           startsOnRecord: handler.startsOnRecord, decode: handler.decode)
        defer { decoding.stopAndWait() }
        let checkpointer = try BackgroundCheckpointer(writer: db)
        defer { checkpointer?.stop() }
        var index = 0
        var inBatch = 0
        var erasedCustomers = try ErasedCustomers(db, pseudonyms: context.privacy.pseudonyms)
        try db.execute("BEGIN IMMEDIATE")
        while let chunk = decoding.queue.take() {
            for record in chunk.records {
                index += 1
                if index <= ledger.alreadyDone {
                    if case .success(let row) = record.outcome, !erasedCustomers.contains(handler.customer(row)) { try handler.replay(row) }
                    continue
                }
                counts.read += 1
                var rejected: RowRejection?
                switch record.outcome {
                case .success(let row) where erasedCustomers.contains(handler.customer(row)):
                    counts.erased += 1
                case .success(let row):
                    do {
                        if try handler.write(handler.scrub(row, &erasedCustomers), record.line, &counts) { counts.loaded += 1 } else { counts.duplicate += 1 }
                    } catch let rejection as RowRejection {
                        rejected = rejection
                    }
                case .failure(let rejection):
                    rejected = rejection
                }
                if let rejection = rejected {
                    if context.options.strict {
                        try db.execute("ROLLBACK")
                        throw try strictStop(at: record, rejection, context: context, erased: &erasedCustomers)
                    }
                    counts.rejected += 1
                    try reject(record, rejection, context: context, erased: &erasedCustomers)
                }
                inBatch += 1
                // Under --strict the whole file is one transaction, so a bad row can undo it all.
                if inBatch >= context.options.batchSize && !context.options.strict {
                    try commit(handler, ledger: ledger, counts: counts)
                    checkpointer?.committed()
                    try db.execute("BEGIN IMMEDIATE")
                    inBatch = 0
                }
            }
            if let error = chunk.error { throw error }
            onProgress?(ImportProgress(rowsRead: counts.read, bytesRead: chunk.bytesRead, totalBytes: context.totalBytes,
                                       elapsed: Self.seconds(since: context.started)))
        }
        try handler.flush()
        try finishTables(context.options)
        _ = try RejectsRetention.purge(db, olderThanDays: context.privacy.keepRejectsDays, now: Int64(Date().timeIntervalSince1970))
        try ledger.checkpoint(counts)
        try ledger.finish(sha256: context.source.sha256Hex(), size: context.source.storedBytesRead)
        try db.execute("COMMIT")
        return counts
    }

    /// A `--strict` stop: the file's rows are rolled back and the import is already marked failed.
    private struct StrictStop: Error {
        let error: ImportError
    }

    /// After the rollback of a `--strict` import's rows: the ledger keeps the one rejected row
    /// (counted as read and rejected) and the import is marked failed naming file, line and reason.
    private func strictStop<Row>(at record: DecodedRecord<Row>, _ rejection: RowRejection, context: RunContext,
                                 erased: inout ErasedCustomers) throws -> StrictStop {
        var counts = context.ledger.startCounts
        counts.read += 1
        counts.rejected += 1
        let error = ImportError(file: context.path, line: record.line,
                                reason: rejection.reason + " (--strict: nothing from the file was stored)")
        try db.transaction(.immediate) {
            try reject(record, rejection, context: context, erased: &erased)
            try context.ledger.checkpoint(counts)
        }
        try context.ledger.fail(error.description)
        return StrictStop(error: error)
    }

    /// Stores a rejected row; one that holds an erased customer's id as a field is stored without
    /// its raw text, the id in its reason replaced (docs/PRIVACY.md).
    private func reject<Row>(_ record: DecodedRecord<Row>, _ rejection: RowRejection, context: RunContext,
                             erased: inout ErasedCustomers) throws {
        if let id = erased.quoted(in: record.raw) {
            try context.ledger.reject(line: record.line, reason: rejection.reason.replacingOccurrences(of: id, with: "[erased]"), raw: "")
        } else {
            try context.ledger.reject(line: record.line, reason: rejection.reason, raw: record.raw,
                                      keepingRaw: context.privacy.keepsRejectedText)
        }
    }

    private func commit<Row>(_ handler: RowHandler<Row>, ledger: ImportLedger, counts: ImportCounts) throws {
        try handler.flush()
        try ledger.checkpoint(counts)
        try db.execute("COMMIT")
    }

    /// After an import's last rows, in the same transaction: the indexes it deferred built, then
    /// for orders `customer_totals` caught up (reading `orders_by_user`).
    private func finishTables(_ options: ImportOptions) throws {
        try DeferredIndexes.restore(db, table: Self.table(of: options.kind))
        if options.kind == .orders { try CustomerTotals.refresh(db) }
    }

    /// After a failed import (its open batch rolled back): the indexes it had deferred built.
    /// Should that fail too, the next command that opens the warehouse for writing builds them.
    private func restoreDeferredIndexes(_ options: ImportOptions) {
        try? DeferredIndexes.restore(db, table: Self.table(of: options.kind))
    }

    /// The table an import kind fills.
    private static func table(of kind: ImportKind) -> String {
        switch kind {
        case .orders: "orders"
        case .events: "events"
        case .users: "users"
        }
    }

    /// The standard window a run stored with its import (`ImportOptions.storedJSON`), so a
    /// resumed run accepts exactly the dates the killed one did.
    static func storedDefaultWindow(_ options: String) -> DateWindow? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(options.utf8)) as? [String: Any],
              let text = object[ImportOptions.defaultWindowKey] as? String else { return nil }
        return DateWindow(parsing: text)
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Reads the header and builds the order handler for the import's format.
    private func orderHandler(reader: CSVReader, text: FieldText, zone: ZoneConverter?, window: DateWindow, options: ImportOptions,
                              ledger: ImportLedger, path: String, entities: EntityResolver,
                              pseudonyms: PseudonymKey?) throws -> RowHandler<OrderLineInput> {
        var decoder = options.orderDecoder(file: path, zone: zone, window: window, pseudonyms: pseudonyms)
        let startsOnRecord = try decoder.readHeader(reader, text: text)
        let writer = try OrderWriter(db: db, importID: ledger.id, entities: entities, file: path, zone: options.timeZone?.identifier)
        let fixed = decoder
        return RowHandler(startsOnRecord: startsOnRecord, decode: { fixed.decode($0, text: $1) }, customer: \.customerRef,
                          write: { line, sourceLine, counts in try writer.write(line, sourceLine: sourceLine, counts: &counts) },
                          replay: { try writer.replay($0) }, flush: { try writer.flush() })
    }
}
