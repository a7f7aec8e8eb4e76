/// Which decoder reads an import's rows: one choice for both engines, so a file in a format is
/// read the same way into SQLite and into PostgreSQL.
extension ImportOptions {
    /// The decoder of order lines in the import's format (the currency defaults to each layout's
    /// own: GBP for Online Retail, USD for CDNOW; csv takes it from a column or `--currency`).
    func orderDecoder(file: String, zone: ZoneConverter?, window: DateWindow, pseudonyms: PseudonymKey?) -> any OrderRowDecoder {
        switch format {
        case .onlineRetail:
            return OnlineRetailDecoder(file: file, zone: zone, dateOrder: dateOrder, currency: currency ?? "GBP", window: window)
        case .cdnow:
            return CDNOWDecoder(file: file, zone: zone, currency: currency ?? "USD", window: window, pseudonyms: pseudonyms)
        case .csv:
            return CSVOrderDecoder(file: file, zone: zone, dateOrder: dateOrder, currency: currency, map: columnMap, window: window)
        }
    }

    /// Events and users come only as csv: any other layout is refused, naming the file.
    func requireCSV(file: String) throws {
        guard format == .csv else {
            throw ImportError(file: file, line: nil, reason: "\(kind.rawValue) are imported with --format csv (got \(format.rawValue))")
        }
    }
}
