import Foundation

/// One record as the decoding thread hands it to the writer: the decoded row or why it was
/// refused, the line where it starts, and its raw text when refused.
struct DecodedRecord<Row> {
    let outcome: Result<Row, RowRejection>
    let line: Int
    let raw: String
}

/// A run of decoded records, with how far into the input the reader had got.
struct DecodedChunk<Row> {
    var records: [DecodedRecord<Row>] = []
    var bytesRead: Int64 = 0
    /// Set on the last chunk when reading failed (I/O error, corrupt gzip).
    var error: Error?
}

/// Reads and decodes records on its own thread while the caller writes to the database, so
/// parsing and SQLite work overlap on two cores. Chunks travel through a small bounded queue,
/// so memory stays flat.
final class DecodingThread<Row>: @unchecked Sendable {
    let queue = BoundedQueue<DecodedChunk<Row>>(capacity: 4)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts decoding. `startsOnRecord`: the reader already holds the first data record.
    init(reader: CSVReader, source: ByteSource, text: FieldText, startsOnRecord: Bool, chunkSize: Int = 4_096,
         decode: @escaping (CSVReader, FieldText) -> Result<Row, RowRejection>) {
        let queue = self.queue
        let finished = self.finished
        // The reader, its source and the decoder belong to the decoding thread from here on; the
        // caller touches the source again only after the queue is drained and closed.
        let work = HandOff(reader: reader, source: source, text: text, decode: decode)
        let thread = Thread {
            let reader = work.reader, source = work.source, text = work.text, decode = work.decode
            var chunk = DecodedChunk<Row>()
            chunk.records.reserveCapacity(chunkSize)
            var pending = startsOnRecord
            do {
                while true {
                    if !pending {
                        guard try reader.next() else { break }
                    }
                    pending = false
                    if reader.isBlankLine { continue }
                    let outcome = reader.rejection.map { .failure(RowRejection(reason: $0)) } ?? decode(reader, text)
                    let raw: String
                    if case .failure = outcome { raw = reader.rawText } else { raw = "" }
                    chunk.records.append(DecodedRecord(outcome: outcome, line: reader.line, raw: raw))
                    if chunk.records.count == chunkSize {
                        chunk.bytesRead = source.storedBytesRead
                        guard queue.put(chunk) else { break }
                        chunk = DecodedChunk()
                        chunk.records.reserveCapacity(chunkSize)
                    }
                }
            } catch {
                chunk.error = error
            }
            chunk.bytesRead = source.storedBytesRead
            _ = queue.put(chunk)
            queue.close()
            finished.signal()
        }
        thread.stackSize = 1 << 22
        thread.start()
    }

    private struct HandOff: @unchecked Sendable {
        let reader: CSVReader
        let source: ByteSource
        let text: FieldText
        let decode: (CSVReader, FieldText) -> Result<Row, RowRejection>
    }

    /// Stops the thread (if the writer gave up early) and waits for it to end.
    func stopAndWait() {
        queue.close()
        finished.wait()
    }
}
