import Warehouse

// The answers of `--by`: the same question asked once per group, on either engine.

/// Retention for every group of `by`: the same question with the group's `--country`, or for
/// only the customers of one RFM segment.
func retentionBrokenDown(_ by: Breakdown, engine: some AnalyticsEngine, options: RetentionOptions,
                         curveOnly: Bool) throws -> BrokenDownAnswer {
    func group(_ value: String, _ scoped: RetentionOptions) throws -> BrokenDownAnswer.Group {
        BrokenDownAnswer.Group(value: value, answer: try engine.retention(scoped).answer(curveOnly: curveOnly))
    }
    switch by {
    case .country:
        let groups = try engine.breakdownCountries().map { country in
            var scoped = options
            scoped.scope.country = country
            return try group(country, scoped)
        }
        return BrokenDownAnswer(column: by.column, by: by.rawValue, groups: groups, notes: try breakdownNotes(engine))
    case .rfmSegment:
        let groups = try engine.breakdownRFMSegments(options.scope).map { segment, users in
            var scoped = options
            scoped.users = users
            return try group(segment, scoped)
        }
        return BrokenDownAnswer(column: by.column, by: by.rawValue, groups: groups)
    }
}

/// The RFM summary of every country, each the summary with that `--country`.
func rfmByCountry(engine: some AnalyticsEngine, options: RFMOptions) throws -> BrokenDownAnswer {
    let groups = try engine.breakdownCountries().map { country in
        var scoped = options
        scoped.scope.country = country
        return BrokenDownAnswer.Group(value: country, answer: try engine.rfmSummary(scoped).answer())
    }
    return BrokenDownAnswer(column: Breakdown.country.column, by: Breakdown.country.rawValue, groups: groups,
                            notes: try breakdownNotes(engine))
}

/// The breakdown's own notes: customers with no country are in no group.
func breakdownNotes(_ engine: some AnalyticsEngine) throws -> [String] {
    let without = try engine.customersWithoutCountry()
    return without == 0 ? [] : ["\(grouped(without)) customers with no country are in no group"]
}

/// Prints a breakdown; csv and jsonl, which have no place for them, put its notes on stderr.
func printBreakdown(_ breakdown: BrokenDownAnswer, as format: OutputFormat) {
    print(breakdown.rendered(as: format, width: tableWidth(format)), terminator: "")
    if format == .csv || format == .jsonl { printNotes(breakdown.combined.notes) }
}
