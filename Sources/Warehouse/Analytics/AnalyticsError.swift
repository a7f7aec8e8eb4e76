/// Why an analytics question could not be answered. Messages say what failed and what to try.
public enum AnalyticsError: Error, Equatable, CustomStringConvertible {
    /// A query file of `sql/` is missing from this build (a packaging error).
    case missingQuery(String)
    /// A date or instant option could not be read.
    case invalidDate(option: String, text: String)
    /// An option value is out of range or inconsistent.
    case invalidOption(option: String, reason: String)
    /// A segment map file is unreadable or incomplete.
    case invalidSegmentMap(file: String, reason: String)
    /// There is nothing to analyse.
    case noOrders
    /// A saved snapshot was asked for and is not there.
    case noSnapshot(asOf: String)
    /// `--country` names no customer's country; `nearest` are the stored ones closest to it.
    case unknownCountry(String, nearest: [String])
    /// Activity from events was asked for and the warehouse holds none (of `type` when given);
    /// `types` are the event types it does hold.
    case noEvents(type: String?, types: [String])
    /// No customer with a purchase before as-of falls in the `--country`/`--since`/`--until`
    /// scope (described as people read it).
    case noCustomers(String)
    /// A sum of amounts (a customer's net revenue, a segment's) exceeds 64-bit micro-units.
    case amountOverflow(String)

    public var description: String {
        switch self {
        case .missingQuery(let name): return "the query sql/\(name).sql is not in this build"
        case .invalidDate(let option, let text):
            return "\(option) \(text): expected a date YYYY-MM-DD or an instant like 2011-12-10T00:00:00Z"
        case .invalidOption(let option, let reason): return "\(option): \(reason)"
        case .invalidSegmentMap(let file, let reason): return "segment map \(file): \(reason)"
        case .noOrders: return "the warehouse holds no orders yet: import some with `lifecycle import orders FILE`"
        case .noSnapshot(let asOf): return "no RFM snapshot as of \(asOf): save one with `lifecycle rfm --as-of DATE --save`"
        case .unknownCountry(let country, let nearest):
            let name = "'\(Excerpt.of(country))'"
            guard !nearest.isEmpty else { return "--country \(name): no customer has a country yet (users.country is empty)" }
            return "--country \(name): no customer is of that country; nearest known: " + Excerpt.list(nearest.map { "'\($0)'" })
        case .noEvents(let type, let types):
            guard let type else { return "--activity events: the warehouse holds no events: import some with `lifecycle import events FILE`" }
            let known = types.isEmpty ? "it holds no events at all" : "types held: " + Excerpt.list(types)
            return "--event-type '\(Excerpt.of(type))': no events of that type (\(known))"
        case .noCustomers(let scope):
            return "no customer with a purchase before as-of is \(scope): nothing to answer (widen --since/--until or pick another --country)"
        case .amountOverflow(let what):
            return "\(what) exceeds 64-bit micro-units (about 9.2 trillion in the currency): an amount in the orders is likely wrong"
        }
    }
}
