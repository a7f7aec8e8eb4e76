extension ResolvedScope {
    /// The scope as the `parameters` of an answer, in this order: `time_zone`, `since`, `until`
    /// (ISO 8601 instants or null), `country` and `currency` (null when not given or none).
    public var answerParameters: [JSONMember] {
        [JSONMember("time_zone", .string(timeZoneName)),
         JSONMember("since", cell: .instantOrNull(since)), JSONMember("until", cell: .instantOrNull(until)),
         JSONMember("country", cell: .textOrNull(country)), JSONMember("currency", cell: .textOrNull(currency))]
    }
}

extension Exclusions {
    /// The `excluded` member of an analytics answer: what the footnote says, as numbers
    /// (`guest_amount` exact money, null when the guest orders are in several currencies).
    public func member(currency: String?) -> JSONMember {
        JSONMember("excluded", .object([
            JSONMember("guest_orders", .integer(Int64(guestOrders))),
            JSONMember("guest_amount", guestAmountsInSeveralCurrencies ? .null : Cell.money(micros: guestAmountMicros, currency: currency).json),
            JSONMember("adjustments", .integer(Int64(adjustments))),
            JSONMember("write_offs", .integer(Int64(writeOffs))),
            JSONMember("other_currencies_left_out", .bool(onlyCurrency != nil)),
        ]))
    }
}
