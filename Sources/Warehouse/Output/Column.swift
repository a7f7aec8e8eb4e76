/// A column of a result: the label tables show and the snake_case key machine formats use
/// (CSV header, JSON member). The key is made from the label unless given.
public struct Column: Sendable, Equatable, ExpressibleByStringLiteral {
    /// What tables show, e.g. `avg recency (days)`.
    public var label: String
    /// What csv, json and jsonl use, e.g. `avg_recency_days`.
    public var key: String
    /// Whether only machine formats write it (a flag or start date that a table shows as a mark
    /// or in its label instead).
    public var machineOnly: Bool

    /// A column labelled `label`, keyed `key` or, by default, by `Column.key(for: label)`.
    public init(_ label: String, key: String? = nil, machineOnly: Bool = false) {
        self.label = label
        self.key = key ?? Column.key(for: label)
        self.machineOnly = machineOnly
    }

    /// A column from a literal label.
    public init(stringLiteral value: String) { self.init(value) }

    /// The snake_case key of a label: lower case, apostrophes dropped, every other run of
    /// characters that are not letters or digits one underscore, none at the ends
    /// (`avg recency (days)` → `avg_recency_days`, `Can't Lose Them` → `cant_lose_them`,
    /// `P(alive)` → `p_alive`).
    public static func key(for label: String) -> String {
        var key = ""
        var pendingUnderscore = false
        for character in label.lowercased() where character != "'" && character != "’" {
            if character.isLetter || character.isNumber {
                if pendingUnderscore && !key.isEmpty { key.append("_") }
                pendingUnderscore = false
                key.append(character)
            } else {
                pendingUnderscore = true
            }
        }
        return key
    }
}
