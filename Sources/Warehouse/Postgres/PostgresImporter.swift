import Foundation
import PostgresStore

/// Streams files into the warehouse on PostgreSQL (with or without Citus) through the very
/// reading and decoding SQLite's `Importer` uses — `ByteSource`, `CSVReader`, the format
/// decoders on a `DecodingThread` — and loads each batch with COPY in one transaction that also
/// records the import's counts, so a killed run leaves whole batches and the same command
/// resumes it; every rejected row is stored with its line and reason; `--strict` makes the file
/// one transaction. Imports into one database take turns on an advisory lock.
public final class PostgresImporter {
    private let db: PGConnection
    /// Called after every chunk of a few thousand rows.
    public var onProgress: ((ImportProgress) -> Void)?

    public init(db: PGConnection) {
        self.db = db
    }

    /// What one import kind does with a batch of decoded rows.
    private struct BatchHandler<Row> {
        var startsOnRecord: Bool
        var decode: (CSVReader, FieldText) -> Result<Row, RowRejection>
        /// Writes the batch's rows; per row, the reason it was rejected or nil.
        var write: ([DecodedRecord<Row>], inout ImportCounts) throws -> [RowRejection?]
        /// Re-counts rows an interrupted run committed (resuming), writing nothing.
        var replay: ([DecodedRecord<Row>]) throws -> Void = { _ in }
        /// Tables whose ids the import gives (their identity sequences are moved past them).
        var tables: [String]
    }

    /// Imports one file (`-` for standard input; gzip is detected).
    public func importFile(_ path: String, options: ImportOptions) throws -> ImportSummary {
        if let currency = options.currency, CurrencyCode.normalized(currency) == nil {
            throw ImportError(file: path, line: nil, reason: CurrencyCode.refusal(currency, source: "--currency"))
        }
        if options.pseudonymKey != nil {
            throw ImportError(file: path, line: nil, reason: "pseudonymised warehouses (--key-file) are not supported on PostgreSQL yet")
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let digest = try ByteSource.isStream(path) ? nil : try ByteSource.digest(ofFile: path)
        let source = try ByteSource(path: path, hashing: digest == nil)
        try db.query("SELECT pg_advisory_lock($1)", [.integer(PostgresImportLedger.lockKey)])
        defer { _ = try? db.query("SELECT pg_advisory_unlock($1)", [.integer(PostgresImportLedger.lockKey)]) }
        // A batch writes reference tables (products, the ledger) in the transaction that reads and
        // writes the distributed ones, which Citus allows only over one connection per worker.
        if try db.scalar("SELECT count(*) FROM pg_extension WHERE extname = 'citus'").int64 == 1 {
            try db.query("SET citus.multi_shard_modify_mode TO 'sequential'")
        }
        defer { _ = try? db.query("RESET citus.multi_shard_modify_mode") }
        let ledger = try PostgresImportLedger.begin(db: db, kind: options.kind, format: options.format, path: path, size: digest?.size,
                                                    sha256: digest?.sha256,
                                                    options: options.storedJSON(defaultWindow: .standard(), keeping: options.keepProperties))
        let window = options.dateWindow ?? Importer.storedDefaultWindow(ledger.options) ?? .standard()
        let splitting: FieldSplitting = options.format == .cdnow ? .whitespace : .delimited(options.delimiter)
        let reader = CSVReader(source: source, splitting: splitting)
        let text = FieldText(reader: reader, encoding: options.encoding)
        let zone = options.timeZone.map(ZoneConverter.init)
        let counts: ImportCounts
        do {
            let entities = try PostgresEntities(db: db, importID: ledger.id)
            switch options.kind {
            case .orders:
                var decoder = options.orderDecoder(file: path, zone: zone, window: window, pseudonyms: nil)
                let startsOnRecord = try decoder.readHeader(reader, text: text)
                let writer = try PostgresOrderWriter(db: db, importID: ledger.id, entities: entities, zone: options.timeZone?.identifier)
                let fixed = decoder
                let handler = BatchHandler<OrderLineInput>(startsOnRecord: startsOnRecord, decode: { fixed.decode($0, text: $1) },
                                                           write: { try writer.write($0, counts: &$1) }, replay: { try writer.replay($0) },
                                                           tables: ["users", "products", "orders"])
                counts = try run(handler, reader: reader, text: text, source: source, ledger: ledger, options: options, path: path,
                                 totalBytes: digest?.size, started: started)
            case .events:
                try options.requireCSV(file: path)
                let decoder = try CSVEventDecoder(reader: reader, text: text, file: path, zone: zone, dateOrder: options.dateOrder,
                                                  map: options.columnMap, window: window, keeping: options.keepProperties)
                let writer = try PostgresEventWriter(db: db, importID: ledger.id, entities: entities)
                let handler = BatchHandler<EventInput>(startsOnRecord: false, decode: decoder.decode, write: { try writer.write($0, counts: &$1) },
                                                       tables: ["users", "products", "events"])
                counts = try run(handler, reader: reader, text: text, source: source, ledger: ledger, options: options, path: path,
                                 totalBytes: digest?.size, started: started)
            case .users:
                try options.requireCSV(file: path)
                let decoder = try CSVUserDecoder(reader: reader, text: text, file: path, zone: zone, dateOrder: options.dateOrder,
                                                 map: options.columnMap, window: window)
                let writer = PostgresUserWriter(db: db, entities: entities)
                let handler = BatchHandler<UserInput>(startsOnRecord: false, decode: decoder.decode, write: { try writer.write($0, counts: &$1) },
                                                      tables: ["users"])
                counts = try run(handler, reader: reader, text: text, source: source, ledger: ledger, options: options, path: path,
                                 totalBytes: digest?.size, started: started)
            }
        } catch let stop as StrictStop {
            throw stop.error
        } catch let error as PostgresStoreError where error.kind == .worker || error.kind == .client {
            // A node or the connection is gone: the open batch is rolled back and the import is
            // left `running`, so the same command resumes it once the cluster is whole again.
            ledger.recordInterruption()
            throw error
        } catch {
            let message = (error as? ImportError)?.description ?? "\(path): \(error)"
            ledger.recordFailure(message)
            throw error
        }
        return ImportSummary(importID: ledger.id, file: path, kind: options.kind, format: options.format, counts: counts,
                             resumedAfter: ledger.alreadyDone, elapsed: Self.seconds(since: started))
    }

    /// A `--strict` stop: the file's rows are rolled back and the import is already marked failed.
    private struct StrictStop: Error {
        let error: ImportError
    }

    /// The writer loop: gathers decoded records into batches, writes each with its rejects and
    /// the counts so far in one transaction (the whole file in one under `--strict`).
    private func run<Row>(_ handler: BatchHandler<Row>, reader: CSVReader, text: FieldText, source: ByteSource,
                          ledger: PostgresImportLedger, options: ImportOptions, path: String, totalBytes: Int64?,
                          started: UInt64) throws -> ImportCounts {
        var counts = ledger.startCounts
        let decoding = DecodingThread<Row>(reader: reader, source: source, text: text, startsOnRecord: handler.startsOnRecord,
                                           decode: handler.decode)
        defer { decoding.stopAndWait() }
        var index = 0
        var replaying: [DecodedRecord<Row>] = []
        var batch: [DecodedRecord<Row>] = []
        batch.reserveCapacity(min(options.batchSize, 65_536))
        try db.query("BEGIN")

        /// Writes the batch; stores its rejects (or stops a strict import at the first).
        func writeBatch() throws {
            guard !batch.isEmpty else { return }
            var batchCounts = counts
            batchCounts.read += batch.count
            let outcomes = try handler.write(batch, &batchCounts)
            var rejects: [(line: Int, reason: String, raw: String)] = []
            for (record, outcome) in zip(batch, outcomes) {
                guard let rejection = outcome else { continue }
                if options.strict {
                    _ = try? db.query("ROLLBACK")
                    throw try strictStop(at: record, rejection, ledger: ledger, path: path)
                }
                rejects.append((record.line, rejection.reason, record.raw))
            }
            batchCounts.rejected += rejects.count
            try ledger.reject(rejects)
            counts = batchCounts
            batch.removeAll(keepingCapacity: true)
        }

        while let chunk = decoding.queue.take() {
            for record in chunk.records {
                index += 1
                if index <= ledger.alreadyDone {
                    replaying.append(record)
                    if replaying.count >= options.batchSize {
                        try handler.replay(replaying)
                        replaying.removeAll(keepingCapacity: true)
                    }
                    continue
                }
                if !replaying.isEmpty {
                    try handler.replay(replaying)
                    replaying.removeAll()
                }
                batch.append(record)
                // Under --strict a row the decoder refused ends the file here: the batch up to it is
                // decided first, so a conflict earlier in the file is the one reported.
                if options.strict, case .failure = record.outcome { try writeBatch() }
                if batch.count >= options.batchSize {
                    try writeBatch()
                    // Under --strict the whole file is one transaction, so a bad row can undo it all.
                    if !options.strict {
                        try ledger.checkpoint(counts)
                        try db.query("COMMIT")
                        try db.query("BEGIN")
                    }
                }
            }
            if let error = chunk.error { throw error }
            onProgress?(ImportProgress(rowsRead: counts.read + batch.count, bytesRead: chunk.bytesRead, totalBytes: totalBytes,
                                       elapsed: Self.seconds(since: started)))
        }
        if !replaying.isEmpty { try handler.replay(replaying) }
        try writeBatch()
        try PostgresEntities.advanceSequences(db, tables: handler.tables)
        // Rejected rows past their retention lose their raw text as the import ends, as on a file.
        _ = try PostgresWarehouse.purgeRejects(db, olderThanDays: try options.keepRejectsDays ?? PostgresWarehouse.keepRejectsDays(db),
                                               now: Int64(Date().timeIntervalSince1970))
        try ledger.checkpoint(counts)
        try ledger.finish(sha256: source.sha256Hex(), size: source.storedBytesRead)
        try db.query("COMMIT")
        return counts
    }

    /// After the rollback of a `--strict` import's rows: the ledger keeps the one rejected row
    /// (counted as read and rejected) and the import is marked failed naming file, line and reason.
    private func strictStop<Row>(at record: DecodedRecord<Row>, _ rejection: RowRejection, ledger: PostgresImportLedger,
                                 path: String) throws -> StrictStop {
        var counts = ledger.startCounts
        counts.read += 1
        counts.rejected += 1
        let error = ImportError(file: path, line: record.line, reason: rejection.reason + " (--strict: nothing from the file was stored)")
        try db.transaction {
            try ledger.reject([(record.line, rejection.reason, record.raw)])
            try ledger.checkpoint(counts)
            try ledger.fail(error.description)
        }
        return StrictStop(error: error)
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
