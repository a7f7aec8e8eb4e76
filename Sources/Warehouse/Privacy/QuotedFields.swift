/// The fields of a rejected row's raw text or reason, as erasure matches ids in them: split at
/// commas, semicolons, tabs, spaces, bars and quotes (double and single), so a customer id is
/// found as a whole field and a short id ("12") is not found inside "2012" or "A12".
enum QuotedFields {
    static let separators: Set<Character> = [",", ";", "\t", " ", "\"", "'", "|"]

    /// The fields of `text`, empty ones left out.
    static func of(_ text: String) -> [Substring] {
        text.split(whereSeparator: separators.contains)
    }

    /// Whether `text` holds `id` as a whole field, without regard to ASCII case.
    static func holds(_ text: String, _ id: String) -> Bool {
        let wanted = lowered(Substring(id))
        return of(text).contains { $0.count == id.count && lowered($0) == wanted }
    }

    private static func lowered(_ text: Substring) -> String {
        String(text.map { $0.isASCII ? Character($0.lowercased()) : $0 })
    }
}
