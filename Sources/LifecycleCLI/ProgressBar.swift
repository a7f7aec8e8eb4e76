import Foundation
import Warehouse

/// A one-line progress bar on standard error: percent of the file, rows, rows/s.
final class ProgressBar {
    private let label: String
    private var lastDraw = 0.0

    init(label: String) { self.label = label }

    func update(_ progress: ImportProgress) {
        guard progress.elapsed - lastDraw >= 0.2 else { return }
        lastDraw = progress.elapsed
        let rate = progress.elapsed > 0 ? Double(progress.rowsRead) / progress.elapsed : 0
        var text = "\r\(label): \(grouped(progress.rowsRead)) rows, \(grouped(Int(rate))) rows/s"
        if let total = progress.totalBytes, total > 0 {
            let fraction = min(1, Double(progress.bytesRead) / Double(total))
            let filled = Int(fraction * 24)
            text = "\r\(label) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: 24 - filled)
                + String(format: "] %3.0f%% ", fraction * 100) + "\(grouped(progress.rowsRead)) rows, \(grouped(Int(rate))) rows/s"
        }
        FileHandle.standardError.write(Data((text + "\u{1B}[K").utf8))
    }

    func finish() {
        if lastDraw > 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
