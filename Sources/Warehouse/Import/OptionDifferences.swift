import Foundation

/// The conversion options in which two imports of the same file differ, named as the command
/// line names them, for the refusal of a re-import with other options.
enum OptionDifferences {
    /// `--timezone Europe/London in import 3, UTC now`, one entry per differing option (format
    /// first); empty when the two imports read the file the same way. The date window only
    /// filters records (``ImportOptions/filterKeys``) and is not compared.
    static func between(earlierID: Int64, earlierFormat: String, earlierOptions: String,
                        format: String, options: String) -> [String] {
        var found: [String] = []
        if earlierFormat != format { found.append("--format \(earlierFormat) in import \(earlierID), \(format) now") }
        let before = object(earlierOptions), now = object(options)
        for key in Set(before.keys).union(now.keys).subtracting(ImportOptions.filterKeys).sorted() {
            let old = rendered(before[key]), new = rendered(now[key])
            if old != new { found.append("\(flag(key)) \(old) in import \(earlierID), \(new) now") }
        }
        return found
    }

    private static func object(_ json: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
    }

    private static func rendered(_ value: Any?) -> String {
        switch value {
        case nil: return "not given"
        case let map as [String: Any]: return map.keys.sorted().map { "\($0)=\(map[$0].map { "\($0)" } ?? "")" }.joined(separator: ",")
        case let other?: return "\(other)"
        }
    }

    /// The command-line option of a key of `ImportOptions.canonicalJSON`.
    private static func flag(_ key: String) -> String {
        "--" + key.replacingOccurrences(of: "_", with: "-")
    }
}
