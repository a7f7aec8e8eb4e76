import Foundation

/// ISO 4217 currency codes as the warehouse accepts them: the codes of currencies in use today,
/// as Foundation lists them (`Locale.commonISOCurrencyCodes`, from the Unicode CLDR data that
/// ships with Foundation on Linux and macOS). Historic codes (DEM, FRF), funds and metals
/// (XAU, XDR) and the testing codes (XTS, XXX) are not in it. Letters are read without regard
/// to case and stored upper-case (`gbp` is stored as `GBP`).
public enum CurrencyCode {
    /// The codes accepted, upper-case.
    public static let active: Set<String> = Set(Locale.commonISOCurrencyCodes)

    /// `text` upper-cased when it is an active ISO 4217 code, else nil.
    public static func normalized(_ text: String) -> String? {
        guard text.utf8.count == 3 else { return nil }
        let upper = text.uppercased()
        return active.contains(upper) ? upper : nil
    }

    /// Why `text` is not accepted, quoting at most 40 bytes of it.
    public static func refusal(_ text: String, source: String) -> String {
        let shown = Excerpt.of(text, limit: 40)
        let shape = text.utf8.count == 3 && text.utf8.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) })
            ? "is not the code of a currency in use" : "is not an ISO 4217 code (three letters)"
        return "\(source) '\(shown)' \(shape), e.g. GBP, EUR, USD"
    }
}
