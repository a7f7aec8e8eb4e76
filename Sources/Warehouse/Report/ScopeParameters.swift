extension ResolvedScope {
    /// The scope as the `parameters` of an answer, in this order: `time_zone`, `since`, `until`
    /// (ISO 8601 instants or null), `country` and `currency` (null when not given or none).
    public var answerParameters: [JSONMember] {
        [JSONMember("time_zone", .string(timeZoneName)),
         JSONMember("since", cell: .instantOrNull(since)), JSONMember("until", cell: .instantOrNull(until)),
         JSONMember("country", cell: .textOrNull(country)), JSONMember("currency", cell: .textOrNull(currency))]
    }
}
