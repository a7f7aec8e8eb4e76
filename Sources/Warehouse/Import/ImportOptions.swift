import Foundation

/// What an import loads.
public enum ImportKind: String, Sendable, CaseIterable {
    case orders, events, users
}

/// A source layout the importer understands (documented in docs/FORMATS.md).
public enum ImportFormat: String, Sendable, CaseIterable {
    /// UCI Online Retail and Online Retail II invoice lines (also the Kaggle export).
    case onlineRetail = "online-retail"
    /// The CDNOW master and sample purchase logs of the buy-till-you-die literature.
    case cdnow
    /// Any CSV, with `--map field=column`.
    case csv
}

/// How field bytes become text.
public enum TextEncoding: String, Sendable, CaseIterable {
    /// UTF-8; a field that is not valid UTF-8 rejects its row.
    case utf8 = "utf-8"
    /// ISO-8859-1: every byte is one character.
    case latin1 = "latin-1"
    /// UTF-8 where valid, otherwise the field is read as ISO-8859-1 (for exports of unknown encoding).
    case auto
}

/// Everything that decides how one file is read and loaded.
public struct ImportOptions: Sendable {
    public var kind: ImportKind
    public var format: ImportFormat
    /// Zone of wall-clock times in the source; required unless every timestamp carries an offset.
    public var timeZone: TimeZone?
    /// Currency of amounts when the source does not name one: an ISO 4217 code in use
    /// (`CurrencyCode`), upper-cased here; the import refuses any other text before reading a row.
    public var currency: String?
    /// `field=column` pairs for the csv format.
    public var columnMap: [String: String]
    public var encoding: TextEncoding
    public var dateOrder: DateOrder
    /// Field separator for the csv format.
    public var delimiter: UInt8
    /// Stop at the first rejected row.
    public var strict: Bool
    /// Rows per transaction.
    public var batchSize: Int
    /// The dates instants must fall in (`--dates-between`); nil: `DateWindow.standard`, resolved
    /// when the import starts.
    public var dateWindow: DateWindow?
    /// The key of a pseudonymised warehouse (`--key-file`); required there, refused elsewhere.
    public var pseudonymKey: PseudonymKey?
    /// Event property keys to keep (`--keep-properties`); nil: the warehouse setting.
    public var keepProperties: PropertyFilter?
    /// Days rejected rows keep their raw text, for the purge that ends the import; nil: the warehouse setting.
    public var keepRejectsDays: Int?

    public init(kind: ImportKind, format: ImportFormat, timeZone: TimeZone? = nil, currency: String? = nil,
                columnMap: [String: String] = [:], encoding: TextEncoding? = nil, dateOrder: DateOrder = .monthFirst,
                delimiter: UInt8 = UInt8(ascii: ","), strict: Bool = false, batchSize: Int = 50_000,
                dateWindow: DateWindow? = nil, pseudonymKey: PseudonymKey? = nil, keepProperties: PropertyFilter? = nil,
                keepRejectsDays: Int? = nil) {
        self.kind = kind
        self.format = format
        self.timeZone = timeZone
        self.currency = currency.map { CurrencyCode.normalized($0) ?? $0 }
        self.columnMap = columnMap
        self.encoding = encoding ?? (format == .onlineRetail ? .auto : .utf8)
        self.dateOrder = dateOrder
        self.delimiter = delimiter
        self.strict = strict
        self.batchSize = batchSize
        self.dateWindow = dateWindow
        self.pseudonymKey = pseudonymKey
        self.keepProperties = keepProperties
        self.keepRejectsDays = keepRejectsDays
    }

    /// The options that change what a file's rows become, as canonical JSON: compared to tell
    /// whether a killed import of the same file can be resumed. A window given explicitly is
    /// `dates_between`.
    public var canonicalJSON: String {
        json(defaultWindow: nil)
    }

    /// `canonicalJSON` as stored with the import: when no window was given, the standard window
    /// this run resolved is added as `default_dates_between`. It moves from day to day, so it is
    /// left out when matching a killed run, and a resumed run reuses the stored one.
    public func storedJSON(defaultWindow: DateWindow) -> String {
        json(defaultWindow: dateWindow == nil ? defaultWindow : nil)
    }

    /// The key of the resolved standard window in the stored options.
    static let defaultWindowKey = "default_dates_between"

    /// Stored options that choose which records load, not what a record becomes: a re-import
    /// of the same file that differs only in them is not refused (a record in both windows is
    /// the same row either way).
    /// `keep_properties` decides what of a record is kept, never which row it is, so it is not compared either.
    static let filterKeys: Set<String> = ["dates_between", defaultWindowKey, keepPropertiesKey]

    /// The key of the property keys an events import kept, in the stored options.
    static let keepPropertiesKey = "keep_properties"

    /// `storedJSON` with the property keys the import keeps (the option or the warehouse setting).
    func storedJSON(defaultWindow: DateWindow, keeping filter: PropertyFilter?) -> String {
        json(defaultWindow: dateWindow == nil ? defaultWindow : nil, keeping: filter)
    }

    private func json(defaultWindow: DateWindow?, keeping filter: PropertyFilter? = nil) -> String {
        var object: [String: Any] = ["encoding": encoding.rawValue, "date_order": dateOrder.rawValue,
                                     "delimiter": String(UnicodeScalar(delimiter))]
        if let dateWindow { object["dates_between"] = dateWindow.text }
        if let defaultWindow { object[Self.defaultWindowKey] = defaultWindow.text }
        if let timeZone { object["timezone"] = timeZone.identifier }
        if let currency { object["currency"] = currency }
        if !columnMap.isEmpty { object["map"] = columnMap }
        if let filter { object[Self.keepPropertiesKey] = filter.names }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
