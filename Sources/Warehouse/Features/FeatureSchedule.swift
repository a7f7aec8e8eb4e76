/// A schedule of feature builds (`features build --from --to --every`): its as-ofs and the loop
/// that builds them in order, one build at a time, the same on both engines.
enum FeatureSchedule {
    /// The as-ofs from `from` to `to` (inclusive) in steps of `step`, each counted from `from`
    /// (so monthly steps from Jan 31 keep to month ends).
    static func instants(from: Int64, to: Int64, every step: CalendarDate.Step) -> [Int64] {
        var instants: [Int64] = []
        var instant = from
        while instant <= to {
            instants.append(instant)
            instant = CalendarDate.advance(from, by: step, count: instants.count)
        }
        return instants
    }

    /// Runs `build` for every as-of of the schedule, telling `progress` after each.
    static func run(from: Int64, to: Int64, every step: CalendarDate.Step,
                    progress: ((FeatureBuild, _ done: Int, _ total: Int) -> Void)?,
                    _ build: (Int64) throws -> FeatureBuild) throws -> [FeatureBuild] {
        let instants = instants(from: from, to: to, every: step)
        var builds: [FeatureBuild] = []
        for (index, asOf) in instants.enumerated() {
            let done = try build(asOf)
            builds.append(done)
            progress?(done, index + 1, instants.count)
        }
        return builds
    }
}
