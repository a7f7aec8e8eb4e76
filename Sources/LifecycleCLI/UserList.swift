import ArgumentParser
import Foundation
import Warehouse

/// The customers a `score … --users FILE` run is limited to: one external id per line (surrounding
/// spaces trimmed, blank lines ignored, a repeated id counted once), read from FILE or from
/// standard input for `-`. An id the warehouse does not know is an error naming it and its line:
/// a typo should not pass as "scored".
struct UserList {
    /// `users.id` of every listed customer.
    let userIDs: Set<Int64>
    /// Listed external ids by `users.id`, to name those the run could not score.
    let names: [Int64: String]

    /// Reads `path` (`-` for standard input) and resolves its ids against the warehouse's users
    /// (`customerIDs`: every user's external id by `users.id`, on either engine).
    init(path: String, customerIDs: [Int64: String]) throws {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw ValidationError("--users \(path): cannot read the file")
            }
            data = contents
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("--users \(path): not UTF-8 text")
        }
        let known = Dictionary(customerIDs.map { ($0.value, $0.key) }, uniquingKeysWith: min)
        var userIDs = Set<Int64>(), names: [Int64: String] = [:], unknown: [String] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let id = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if id.isEmpty { continue }
            if let userID = known[id] {
                userIDs.insert(userID)
                names[userID] = id
            } else {
                unknown.append("\(id) (line \(index + 1))")
            }
        }
        if !unknown.isEmpty {
            let shown = unknown.prefix(5).joined(separator: ", ")
            let more = unknown.count > 5 ? " and \(unknown.count - 5) more" : ""
            throw ValidationError("--users \(path): \(unknown.count) unknown customer id\(unknown.count == 1 ? "" : "s"): \(shown)\(more); nothing was scored")
        }
        if userIDs.isEmpty {
            throw ValidationError("--users \(path): lists no customer id")
        }
        self.userIDs = userIDs
        self.names = names
    }

    /// A note naming the listed customers missing from `scored` (no purchase before the as-of),
    /// or nil when every listed customer was scored.
    func unscoredNote(scored: some Sequence<Int64>) -> String? {
        let missing = userIDs.subtracting(scored).compactMap { names[$0] }.sorted()
        guard !missing.isEmpty else { return nil }
        let shown = missing.prefix(5).joined(separator: ", ")
        let more = missing.count > 5 ? " and \(missing.count - 5) more" : ""
        return "\(missing.count) listed customer\(missing.count == 1 ? " has" : "s have") no purchase before the as-of and \(missing.count == 1 ? "was" : "were") not scored: \(shown)\(more)"
    }
}
