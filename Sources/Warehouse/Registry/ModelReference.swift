/// Which snapshot a command means: `churn` (the `production` alias when set, else the latest
/// version), `churn@3` (version 3), `churn@latest`, or `churn@candidate` (an alias).
public struct ModelReference: Sendable, Equatable, CustomStringConvertible {
    /// How the version is chosen.
    public enum Selector: Sendable, Equatable {
        /// The `production` alias when it is set, else the latest version.
        case preferred
        /// The highest version.
        case latest
        /// One version number.
        case version(Int)
        /// The version an alias points at.
        case alias(String)
    }

    /// The model name.
    public var name: String
    /// How the version is chosen.
    public var selector: Selector

    /// A reference to `name` chosen by `selector`.
    public init(name: String, selector: Selector = .preferred) {
        self.name = name
        self.selector = selector
    }

    /// Parses `NAME`, `NAME@VERSION`, `NAME@latest` or `NAME@ALIAS`.
    public init(parsing text: String) throws(RegistryError) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0]
        if let problem = ModelNaming.problem(withModelName: name) {
            throw .invalidReference(text, problem)
        }
        guard parts.count == 2 else {
            self.init(name: name)
            return
        }
        let suffix = parts[1]
        if !suffix.isEmpty, suffix.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let version = Int(suffix), version >= 1 else {
                throw .invalidReference(text, "versions count from 1")
            }
            self.init(name: name, selector: .version(version))
        } else if suffix == "latest" {
            self.init(name: name, selector: .latest)
        } else {
            if let problem = ModelNaming.problem(withAlias: suffix) { throw .invalidReference(text, problem) }
            self.init(name: name, selector: .alias(suffix))
        }
    }

    /// `churn`, `churn@3`, `churn@latest` or `churn@production`.
    public var description: String {
        switch selector {
        case .preferred: return name
        case .latest: return name + "@latest"
        case .version(let version): return "\(name)@\(version)"
        case .alias(let alias): return name + "@" + alias
        }
    }
}

/// Rules for model names and alias names.
public enum ModelNaming {
    /// The alias a bare model name resolves to when it is set.
    public static let production = "production"

    /// Why `name` cannot name a model, or nil when it can: a letter or digit, then letters,
    /// digits, `_`, `.` or `-`.
    public static func problem(withModelName name: String) -> String? {
        guard let first = name.unicodeScalars.first else { return "the model name is empty" }
        guard isLetterOrDigit(first), name.unicodeScalars.allSatisfy({ isLetterOrDigit($0) || "_.-".unicodeScalars.contains($0) }) else {
            return "model name '\(name)' must start with a letter or digit and hold only letters, digits, '_', '.' and '-'"
        }
        return nil
    }

    /// Why `alias` cannot name an alias, or nil when it can: a letter, then letters, digits,
    /// `_`, `.` or `-`; `latest` is reserved.
    public static func problem(withAlias alias: String) -> String? {
        guard let first = alias.unicodeScalars.first else { return "the alias is empty" }
        guard isLetter(first), alias.unicodeScalars.allSatisfy({ isLetterOrDigit($0) || "_.-".unicodeScalars.contains($0) }) else {
            return "alias '\(alias)' must start with a letter and hold only letters, digits, '_', '.' and '-'"
        }
        guard alias != "latest" else { return "'latest' is reserved: it always means the highest version" }
        return nil
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        isLetter(scalar) || ("0"..."9").contains(scalar)
    }
}
