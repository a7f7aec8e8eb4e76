import Learning

/// Settings of one segments training run.
public struct SegmentTrainingOptions: Sendable {
    /// RFM and features from facts before this instant.
    public var asOf: Int64
    /// A fixed number of clusters; `nil`: the best silhouette over `clusterRange`.
    public var clusters: Int?
    public var clusterRange: ClosedRange<Int>
    /// k-means++ starts per k; the lowest inertia wins.
    public var restarts: Int
    public var seed: UInt64
    /// Extra `user_features` columns to cluster on besides RFM.
    public var features: [String]
    /// Only orders in this currency; nil: the one currency of the orders before as-of.
    public var currency: String?

    public init(asOf: Int64, clusters: Int? = nil, clusterRange: ClosedRange<Int> = 2...8, restarts: Int = 8, seed: UInt64 = 0,
                features: [String] = [], currency: String? = nil) {
        self.asOf = asOf
        self.clusters = clusters
        self.clusterRange = clusterRange
        self.restarts = restarts
        self.seed = seed
        self.features = features
        self.currency = currency
    }
}

/// A trained segmentation with the facts its snapshot records. Cluster 0 has the highest mean
/// monetary value, cluster k−1 the lowest.
public struct SegmentTraining: Sendable {
    public let model: KMeansModel
    public let columns: SegmentColumns
    public let options: SegmentTrainingOptions
    /// The currency of the monetary values clustered on.
    public let currency: String?
    public let rows: Int
    public let fingerprint: String
    /// "fixed" (`--k`) or "silhouette".
    public let chosenBy: String
    /// Silhouette of every k fitted (one entry with a fixed k), in k order; nil when undefined.
    public let silhouettes: [(clusters: Int, silhouette: Double?)]
    public let inertia: Double
    public let converged: Bool
    public let iterations: Int
    public let profiles: [SegmentProfile]
    /// The cluster of every training customer, in dataset order.
    public let assignments: [Int]

    /// Number of clusters.
    public var clusters: Int { model.clusterCount }
    /// Silhouette of the chosen k.
    public var silhouette: Double? { silhouettes.first { $0.clusters == clusters }?.silhouette }
}

extension SegmentEngine {
    /// Clusters the customers as of `options.asOf` with k-means (standardised inputs, k-means++
    /// seeding, `options.restarts` starts), with a fixed k or the best silhouette over the range,
    /// and numbers the clusters by descending mean monetary value.
    public func trainSegments(_ options: SegmentTrainingOptions) throws -> SegmentTraining {
        let data = try segmentDataset(asOf: options.asOf, columns: SegmentColumns(extraFeatures: options.features), currency: options.currency)
        let needed = options.clusters ?? options.clusterRange.upperBound
        guard data.customers.count > needed else {
            throw SegmentError(description: "\(data.customers.count) customers with purchases before \(CalendarDate.day(options.asOf)) cannot form \(needed) clusters; use a later --as-of or a smaller k")
        }
        let kmeans = KMeansOptions(standardize: true, restarts: options.restarts, seed: options.seed)
        let fit: KMeansFit
        let silhouettes: [(clusters: Int, silhouette: Double?)]
        do {
            if let k = options.clusters {
                fit = try KMeansModel.fit(data.features, clusters: k, options: kmeans)
                let space = fit.model.standardizer?.transform(data.features) ?? data.features
                silhouettes = [(k, Silhouette.score(space, assignments: fit.assignments, seed: options.seed))]
            } else {
                let choice = try Silhouette.chooseClusterCount(data.features, range: options.clusterRange, options: kmeans)
                fit = choice.best.fit
                silhouettes = choice.candidates.map { ($0.clusters, $0.silhouette) }
            }
        } catch {
            throw SegmentError(description: "segments as of \(CalendarDate.day(options.asOf)): \(error)")
        }
        let (model, assignments) = relabelByMonetary(fit, customers: data.customers)
        return SegmentTraining(
            model: model, columns: data.columns, options: options, currency: data.currency, rows: data.customers.count, fingerprint: data.fingerprint,
            chosenBy: options.clusters == nil ? "silhouette" : "fixed", silhouettes: silhouettes, inertia: fit.inertia,
            converged: fit.converged, iterations: fit.iterations,
            profiles: SegmentProfile.profiles(data.customers, assignments: assignments, clusters: model.clusterCount),
            assignments: assignments)
    }

    /// The fit with its clusters renumbered by descending mean monetary value (ties: the
    /// original order), centroids and assignments alike.
    private func relabelByMonetary(_ fit: KMeansFit, customers: [SegmentCustomer]) -> (KMeansModel, [Int]) {
        let k = fit.model.clusterCount
        let profiles = SegmentProfile.profiles(customers, assignments: fit.assignments, clusters: k)
        let order = (0..<k).sorted { (-profiles[$0].meanMonetary, $0) < (-profiles[$1].meanMonetary, $1) }
        var newLabel = [Int](repeating: 0, count: k)
        for (new, old) in order.enumerated() { newLabel[old] = new }
        let centroids = FeatureMatrix(rowArrays: order.map { fit.model.centroids.row($0) }, columns: fit.model.centroids.columns)
        return (KMeansModel(standardizer: fit.model.standardizer, centroids: centroids), fit.assignments.map { newLabel[$0] })
    }
}
