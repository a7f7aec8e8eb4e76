/// One cluster described on the original RFM scale.
public struct SegmentProfile: Sendable, Equatable {
    /// The cluster (row of the snapshot's centroids; 0 has the highest mean monetary value).
    public let cluster: Int
    public let users: Int
    /// Share of all customers.
    public let share: Double
    public let meanRecencyDays: Double
    public let meanFrequency: Double
    /// Mean net revenue per customer, in currency units.
    public let meanMonetary: Double
    /// The cluster's net revenue, exact.
    public let revenueMicros: Int64
    /// Share of all customers' net revenue; nil when that total is zero.
    public let revenueShare: Double?

    /// The profile of every cluster 0..<`clusters` (empty clusters too) of `customers`, with
    /// `assignments[i]` the cluster of `customers[i]`.
    public static func profiles(_ customers: [SegmentCustomer], assignments: [Int], clusters: Int) -> [SegmentProfile] {
        precondition(customers.count == assignments.count, "\(assignments.count) assignments for \(customers.count) customers")
        var users = [Int](repeating: 0, count: clusters)
        var recency = [Double](repeating: 0, count: clusters)
        var frequency = [Double](repeating: 0, count: clusters)
        var revenue = [Int64](repeating: 0, count: clusters)
        for (customer, cluster) in zip(customers, assignments) {
            users[cluster] += 1
            recency[cluster] += Double(customer.recencyDays)
            frequency[cluster] += Double(customer.frequency)
            revenue[cluster] += customer.monetaryMicros
        }
        let total = revenue.reduce(0, +)
        return (0..<clusters).map { j in
            let n = Double(max(users[j], 1))
            return SegmentProfile(cluster: j, users: users[j], share: Double(users[j]) / Double(max(customers.count, 1)),
                                  meanRecencyDays: recency[j] / n, meanFrequency: frequency[j] / n,
                                  meanMonetary: Double(revenue[j]) / 1e6 / n, revenueMicros: revenue[j],
                                  revenueShare: total == 0 ? nil : Double(revenue[j]) / Double(total))
        }
    }
}
