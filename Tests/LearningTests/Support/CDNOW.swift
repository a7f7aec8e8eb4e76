import Foundation
import Testing
@testable import Learning

/// The CDNOW sample in ../shared/data/cdnow (next to the repository), read for conformance tests.
enum CDNOW {
    /// repoRoot/../shared/data/cdnow, found from this file's path (Tests/LearningTests/Support).
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // LearningTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("../shared/data/cdnow")
        .standardizedFileURL

    static let samplePath = directory.appendingPathComponent("CDNOW_sample.txt").path
    static let summaryPath = directory.appendingPathComponent("cdnow_customers_summary.csv").path

    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: samplePath) && FileManager.default.fileExists(atPath: summaryPath)
    }

    static let skipMessage: Comment =
        "CDNOW data not found in ../shared/data/cdnow (next to the repository); conformance test skipped"

    /// The calibration period ends on 1997-09-30, inclusive.
    static let calibrationEnd = dayNumber(year: 1997, month: 9, day: 30)

    /// Purchases of the sample, keyed by the sample's customer number (column 2, 1...2357).
    static func purchases() throws -> [Purchase] {
        let text = try String(contentsOfFile: samplePath, encoding: .utf8)
        var purchases: [Purchase] = []
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count == 5, let sampleID = Int(fields[1]), let date = Int(fields[2]),
                  let value = Double(fields[4]) else {
                throw DataError.malformed(path: samplePath, line: index + 1, text: String(line))
            }
            let day = dayNumber(year: date / 10000, month: date / 100 % 100, day: date % 100)
            purchases.append(Purchase(customer: sampleID, day: day, value: value))
        }
        return purchases
    }

    /// The papers' summary: ID → (frequency, recency, T), recency and T rounded to 2 decimals.
    static func publishedSummary() throws -> [Int: (frequency: Int, recency: Double, age: Double)] {
        let text = try String(contentsOfFile: summaryPath, encoding: .utf8)
        var rows: [Int: (Int, Double, Double)] = [:]
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated().dropFirst() {
            let fields = line.split(separator: ",")
            guard fields.count == 4, let id = Int(fields[0]), let x = Int(fields[1]),
                  let recency = Double(fields[2]), let age = Double(fields[3]) else {
                throw DataError.malformed(path: summaryPath, line: index + 1, text: String(line))
            }
            rows[id] = (x, recency, age)
        }
        return rows
    }

    static func calibrationSummaries() throws -> [CustomerSummary] {
        CustomerSummary.summaries(of: try purchases(), observationEnd: calibrationEnd, period: .week)
    }

    enum DataError: Error {
        case malformed(path: String, line: Int, text: String)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
func dayNumber(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}
