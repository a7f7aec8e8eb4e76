// Layouts (tensor name: shape) of every model kind. All values are float64; shape [] is a scalar.

extension Standardizer {
    func tensors() -> [NamedTensor] {
        [.vector("feature_means", means), .vector("feature_standard_deviations", standardDeviations)]
    }

    init(reading reader: ParameterReader, features: Int?) throws(LearningError) {
        let means = try reader.tensor("feature_means", shape: [features])
        let sds = try reader.tensor("feature_standard_deviations", shape: [means.values.count])
        guard sds.values.allSatisfy({ $0 > 0 }) else {
            throw .invalidParameters(model: reader.model, reason: "feature standard deviations must be positive")
        }
        self.init(means: means.values, standardDeviations: sds.values)
    }
}

/// `bgnbd`: `r`, `alpha`, `a`, `b`: [] (alpha in the model's time unit).
extension BGNBDModel: ParameterEncodable {
    public static let parameterKind = "bgnbd"

    public func encodeParameters() -> ModelParameters {
        ModelParameters(kind: Self.parameterKind, tensors: [.scalar("r", r), .scalar("alpha", alpha), .scalar("a", a), .scalar("b", b)])
    }

    public init(parameters: ModelParameters) throws(LearningError) {
        let reader = try ParameterReader(parameters, kind: Self.parameterKind)
        self.init(r: try reader.positiveScalar("r"), alpha: try reader.positiveScalar("alpha"),
                  a: try reader.positiveScalar("a"), b: try reader.positiveScalar("b"))
    }
}

/// `gamma_gamma`: `p`, `q`, `gamma`: [].
extension GammaGammaModel: ParameterEncodable {
    public static let parameterKind = "gamma_gamma"

    public func encodeParameters() -> ModelParameters {
        ModelParameters(kind: Self.parameterKind, tensors: [.scalar("p", p), .scalar("q", q), .scalar("gamma", gamma)])
    }

    public init(parameters: ModelParameters) throws(LearningError) {
        let reader = try ParameterReader(parameters, kind: Self.parameterKind)
        self.init(p: try reader.positiveScalar("p"), q: try reader.positiveScalar("q"), gamma: try reader.positiveScalar("gamma"))
    }
}

/// `logistic_regression`: `intercept`: [], `coefficients`: [p], `feature_means`: [p],
/// `feature_standard_deviations`: [p] (coefficients act on standardised features).
extension LogisticRegressionModel: ParameterEncodable {
    public static let parameterKind = "logistic_regression"

    public func encodeParameters() -> ModelParameters {
        ModelParameters(kind: Self.parameterKind,
                        tensors: [.scalar("intercept", intercept), .vector("coefficients", coefficients)] + standardizer.tensors())
    }

    public init(parameters: ModelParameters) throws(LearningError) {
        let reader = try ParameterReader(parameters, kind: Self.parameterKind)
        let intercept = try reader.tensor("intercept", shape: []).values[0]
        let coefficients = try reader.tensor("coefficients", shape: [nil]).values
        let standardizer = try Standardizer(reading: reader, features: coefficients.count)
        self.init(standardizer: standardizer, intercept: intercept, coefficients: coefficients)
    }
}

/// `kmeans`: `centroids`: [k, p]; with standardisation also `feature_means`: [p] and
/// `feature_standard_deviations`: [p].
extension KMeansModel: ParameterEncodable {
    public static let parameterKind = "kmeans"

    public func encodeParameters() -> ModelParameters {
        ModelParameters(kind: Self.parameterKind, tensors: [.matrix("centroids", centroids)] + (standardizer?.tensors() ?? []))
    }

    public init(parameters: ModelParameters) throws(LearningError) {
        let reader = try ParameterReader(parameters, kind: Self.parameterKind)
        let centroids = try reader.tensor("centroids", shape: [nil, nil])
        let matrix = FeatureMatrix(rows: centroids.shape[0], columns: centroids.shape[1], values: centroids.values)
        let standardizer: Standardizer? = reader.has("feature_means")
            ? try Standardizer(reading: reader, features: matrix.columns) : nil
        self.init(standardizer: standardizer, centroids: matrix)
    }
}

/// `item_similarity`, neighbour lists in compressed sparse row form: `items`: [m] (ascending
/// ids), `neighbour_offsets`: [m + 1] (item i's neighbours are entries offsets[i] ..<
/// offsets[i+1]), `neighbour_items`: [nnz], `neighbour_similarities`: [nnz]. Ids are stored as
/// float64, exact up to 2⁵³.
extension ItemSimilarityModel: ParameterEncodable {
    public static let parameterKind = "item_similarity"

    public func encodeParameters() throws(LearningError) -> ModelParameters {
        let kind = Self.parameterKind
        let items = neighbours.keys.sorted()
        var itemValues: [Double] = []
        var offsets: [Double] = [0]
        var neighbourItems: [Double] = []
        var similarities: [Double] = []
        for item in items {
            itemValues.append(try exactDouble(item, model: kind, what: "item id"))
            for neighbour in neighbours[item] ?? [] {
                neighbourItems.append(try exactDouble(neighbour.item, model: kind, what: "item id"))
                similarities.append(neighbour.similarity)
            }
            offsets.append(Double(neighbourItems.count))
        }
        return ModelParameters(kind: kind, tensors: [
            .vector("items", itemValues), .vector("neighbour_offsets", offsets),
            .vector("neighbour_items", neighbourItems), .vector("neighbour_similarities", similarities),
        ])
    }

    public init(parameters: ModelParameters) throws(LearningError) {
        let reader = try ParameterReader(parameters, kind: Self.parameterKind)
        let items = try reader.integers(try reader.tensor("items", shape: [nil]))
        let offsets = try reader.integers(try reader.tensor("neighbour_offsets", shape: [items.count + 1]))
        let neighbourItems = try reader.integers(try reader.tensor("neighbour_items", shape: [nil]))
        let similarities = try reader.tensor("neighbour_similarities", shape: [neighbourItems.count]).values
        guard offsets.first == 0, offsets.last == neighbourItems.count,
              zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw .invalidParameters(model: reader.model, reason:
                "neighbour_offsets must rise from 0 to \(neighbourItems.count)")
        }
        var neighbours: [Int: [ItemNeighbour]] = [:]
        for (i, item) in items.enumerated() {
            neighbours[item] = (offsets[i]..<offsets[i + 1]).map {
                ItemNeighbour(item: neighbourItems[$0], similarity: similarities[$0])
            }
        }
        self.init(neighbours: neighbours)
    }
}

/// `popularity`: `items`: [m], `scores`: [m] (buyers), in ranking order.
extension PopularityModel: ParameterEncodable {
    public static let parameterKind = "popularity"

    public func encodeParameters() throws(LearningError) -> ModelParameters {
        var items: [Double] = []
        for entry in ranking { items.append(try exactDouble(entry.item, model: Self.parameterKind, what: "item id")) }
        return ModelParameters(kind: Self.parameterKind,
                               tensors: [.vector("items", items), .vector("scores", ranking.map(\.score))])
    }

    public init(parameters: ModelParameters) throws(LearningError) {
        let reader = try ParameterReader(parameters, kind: Self.parameterKind)
        let items = try reader.integers(try reader.tensor("items", shape: [nil]))
        let scores = try reader.tensor("scores", shape: [items.count]).values
        self.init(ranking: zip(items, scores).map { ScoredItem(item: $0, score: $1) })
    }
}

/// `bgnbd_gamma_gamma`, a lifetime-value model: the BG/NBD tensors `r`, `alpha`, `a`, `b` and the
/// Gamma-Gamma tensors `p`, `q`, `gamma`, all [] (alpha in the purchase model's time unit).
extension CustomerLifetimeValue: ParameterEncodable {
    public static let parameterKind = "bgnbd_gamma_gamma"

    public func encodeParameters() -> ModelParameters {
        ModelParameters(kind: Self.parameterKind,
                        tensors: purchases.encodeParameters().tensors + spend.encodeParameters().tensors)
    }

    public init(parameters: ModelParameters) throws(LearningError) {
        let reader = try ParameterReader(parameters, kind: Self.parameterKind)
        let purchases = BGNBDModel(r: try reader.positiveScalar("r"), alpha: try reader.positiveScalar("alpha"),
                                   a: try reader.positiveScalar("a"), b: try reader.positiveScalar("b"))
        let spend = GammaGammaModel(p: try reader.positiveScalar("p"), q: try reader.positiveScalar("q"),
                                    gamma: try reader.positiveScalar("gamma"))
        self.init(purchases: purchases, spend: spend)
    }
}
