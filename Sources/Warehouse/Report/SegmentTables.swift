/// Segments as tables: cluster profiles, their overlap with the RFM segments, the silhouettes.
public enum SegmentTables {
    /// One row per cluster: size and RFM profile. `machine`: shares as plain fractions.
    public static func profiles(_ profiles: [SegmentProfile], machine: Bool = false) -> Table {
        let share: (Double?) -> String = { machine ? Format.fixed($0, decimals: 6) : Format.percent($0) }
        return Table(
            columns: ["cluster", "users", "share", "avg recency (days)", "avg frequency", "avg monetary", "revenue", "revenue share"],
            rows: profiles.map {
                [String($0.cluster), String($0.users), share($0.share), Format.fixed($0.meanRecencyDays, decimals: 1),
                 Format.fixed($0.meanFrequency, decimals: 2), Format.fixed($0.meanMonetary, decimals: 2),
                 ExactDecimal.format($0.revenueMicros), share($0.revenueShare)]
            },
            numericColumns: Set(0...7))
    }

    /// RFM segments down, clusters across, with totals: each row sums to the segment's size,
    /// the total row to the cluster sizes.
    public static func overlap(_ overlap: SegmentOverlap) -> Table {
        let clusters = overlap.counts.indices
        let segmentSizes = overlap.segmentSizes
        var rows = overlap.segments.indices.map { column in
            [overlap.segments[column]] + clusters.map { String(overlap.counts[$0][column]) } + [String(segmentSizes[column])]
        }
        rows.append(["total"] + overlap.clusterSizes.map(String.init) + [String(segmentSizes.reduce(0, +))])
        return Table(columns: ["RFM segment"] + clusters.map { "cluster \($0)" } + ["total"], rows: rows,
                     numericColumns: Set(1...(clusters.count + 1)))
    }

    /// For machines: one row per cluster, its profile and then its customers in each RFM segment.
    public static func combined(_ report: SegmentReport) -> Table {
        var table = profiles(report.profiles, machine: true)
        table.columns += report.overlap.segments
        for cluster in table.rows.indices { table.rows[cluster] += report.overlap.counts[cluster].map(String.init) }
        table.numericColumns = Set(table.columns.indices)
        return table
    }

    /// The silhouette of every k a training fitted, the chosen one marked.
    public static func silhouettes(_ training: SegmentTraining) -> Table {
        Table(columns: ["k", "silhouette", "chosen"],
              rows: training.silhouettes.map { [String($0.clusters), Format.fixed($0.silhouette, decimals: 4), $0.clusters == training.clusters ? "*" : ""] },
              numericColumns: [0, 1])
    }

    /// What a report is about, for under its tables.
    public static func note(_ report: SegmentReport) -> String {
        "\(report.snapshot.reference) as of \(CalendarDate.day(report.asOf)): \(Format.count(report.overlap.clusterSizes.reduce(0, +))) customers in \(report.profiles.count) clusters"
    }
}
