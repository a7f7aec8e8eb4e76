/// A JSON value with object members kept in order: how the registry holds hyperparameters and
/// metrics (`{"auc": 0.73, "baseline": {...}, "calibration": [...]}`) without `[String: Any]`.
///
/// Build one with literals — `let metrics: JSONValue = ["auc": 0.73, "rows": 4338]` — or parse
/// text with ``JSONValue/parse(_:)``. Integers and other numbers are kept apart so that an
/// integer hyperparameter round-trips as an integer; they compare equal when numerically equal.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without fraction or exponent that fits in 64 bits.
    case integer(Int64)
    /// Any other number. JSON has no NaN or infinity: serialising one is an error.
    case number(Double)
    /// A number written exactly as this decimal text (`2228427.401`): exact money from micro-units,
    /// which a double could not hold. The text must be a JSON number.
    case decimal(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// Members in their written order; keys are unique.
    case object([JSONMember])

    /// An empty object, `{}`.
    public static let emptyObject = JSONValue.object([])
}

/// One member of a JSON object: a key and its value.
public struct JSONMember: Sendable, Hashable {
    /// The member's key.
    public var key: String
    /// The member's value.
    public var value: JSONValue

    /// Creates a member.
    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

extension JSONValue {
    /// The member called `key` when this is an object that has one.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The members when this is an object.
    public var members: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The value as a double when it is a number.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        case .decimal(let text): return Double(text)
        default: return nil
        }
    }

    /// The value when it is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Whether this is an object.
    public var isObject: Bool { members != nil }

    /// The value from a double; non-finite values are kept (and refused when serialised).
    public init(_ value: Double) { self = .number(value) }

    /// The value from an integer.
    public init(_ value: Int) { self = .integer(Int64(value)) }

    /// The scalar leaves of the value with their paths (`baseline.auc`, `calibration[0].observed`),
    /// in order. Empty objects and arrays are leaves themselves; the root's path is `""`.
    public func flattened() -> [(path: String, value: JSONValue)] {
        var out: [(String, JSONValue)] = []
        func walk(_ value: JSONValue, _ path: String) {
            switch value {
            case .object(let members) where !members.isEmpty:
                for member in members { walk(member.value, path.isEmpty ? member.key : path + "." + member.key) }
            case .array(let elements) where !elements.isEmpty:
                for (index, element) in elements.enumerated() { walk(element, path + "[\(index)]") }
            default:
                out.append((path, value))
            }
        }
        walk(self, "")
        return out
    }

    /// Equality by meaning: object members in any order, `1` equal to `1.0`.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.integer, .number), (.number, .integer), (.number, .number), (.decimal, .decimal),
             (.decimal, .integer), (.decimal, .number), (.integer, .decimal), (.number, .decimal):
            guard let a = lhs.doubleValue, let b = rhs.doubleValue else { return false }
            return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { member in b.contains { $0.key == member.key && $0.value == member.value } }
        default: return false
        }
    }

    /// Hashing consistent with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .integer, .number, .decimal: hasher.combine(doubleValue ?? 0)
        case .string(let value): hasher.combine(value)
        case .array(let values): hasher.combine(values)
        case .object(let members):
            hasher.combine(members.count)
            hasher.combine(Set(members.map(\.key)))
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    /// `null`.
    public init(nilLiteral: ()) { self = .null }
    /// `true` or `false`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer.
    public init(integerLiteral value: Int64) { self = .integer(value) }
    /// A number.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object, members in the literal's order (a repeated key keeps its last value).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members: [JSONMember] = []
        for (key, value) in elements {
            if let index = members.firstIndex(where: { $0.key == key }) {
                members[index].value = value
            } else {
                members.append(JSONMember(key, value))
            }
        }
        self = .object(members)
    }
}
