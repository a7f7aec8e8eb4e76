import Foundation
import Testing
@testable import Learning

@Suite("Model parameters as named tensors")
struct ParameterTests {
    /// Encodes, decodes and checks the model is equal — exactly, since float64 is copied as is.
    func roundTrips<M: ParameterEncodable & Equatable>(_ model: M) throws -> Bool {
        let parameters = try model.encodeParameters()
        #expect(parameters.kind == M.parameterKind)
        return try M(parameters: parameters) == model
    }

    @Test("BG/NBD and Gamma-Gamma round-trip exactly")
    func lifetimeModels() throws {
        #expect(try roundTrips(BGNBDModel(r: 0.242594522, alpha: 4.413601995656036, a: 0.7929, b: 2.4259068182319945)))
        #expect(try roundTrips(GammaGammaModel(p: 6.249572268756474, q: 3.744224669794531, gamma: 15.443520983419228)))
        let tensors = BGNBDModel(r: 1, alpha: 2, a: 3, b: 4).encodeParameters().tensors
        #expect(tensors.map(\.name) == ["r", "alpha", "a", "b"])
        #expect(tensors.allSatisfy { $0.shape == [] && $0.values.count == 1 })
    }

    @Test("a lifetime-value model stores both halves under their usual names and round-trips exactly")
    func lifetimeValue() throws {
        let model = CustomerLifetimeValue(purchases: BGNBDModel(r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259),
                                          spend: GammaGammaModel(p: 6.2496, q: 3.7442, gamma: 15.4435))
        #expect(try roundTrips(model))
        let parameters = model.encodeParameters()
        #expect(parameters.tensors.map(\.name) == ["r", "alpha", "a", "b", "p", "q", "gamma"])
        #expect(parameters["gamma"]?.values == [15.4435])
        var broken = parameters
        broken.tensors[5] = .scalar("q", -1)
        #expect(throws: LearningError.self) { try CustomerLifetimeValue(parameters: broken) }
    }

    @Test("a fitted logistic regression round-trips and predicts the same")
    func logisticRegression() throws {
        let data = simulateLogistic(rows: 400, intercept: 0.2, coefficients: [1, -0.5, 2], means: [0, 10, -2],
                                    sds: [1, 3, 0.5], seed: 9)
        let model = try LogisticRegressionModel.fit(data.features, labels: data.labels).model
        #expect(try roundTrips(model))
        let parameters = model.encodeParameters()
        #expect(parameters["coefficients"]?.shape == [3])
        #expect(parameters["feature_means"]?.values == model.standardizer.means)
    }

    @Test("k-means round-trips with and without standardisation")
    func kMeans() throws {
        let data = FeatureMatrix(rowArrays: [[0, 0], [0, 1], [10, 10], [10, 11], [5, -3]])
        let standardized = try KMeansModel.fit(data, clusters: 2).model
        let raw = try KMeansModel.fit(data, clusters: 2, options: KMeansOptions(standardize: false)).model
        #expect(try roundTrips(standardized))
        #expect(try roundTrips(raw))
        #expect(standardized.encodeParameters()["centroids"]?.shape == [2, 2])
        #expect(raw.encodeParameters()["feature_means"] == nil)
    }

    @Test("item similarity and popularity round-trip, including the CSR layout")
    func recommenders() throws {
        let purchases: [Int: Set<Int>] = [1: [10, 20], 2: [10, 20, 30], 3: [20, 30], 4: [30, 40]]
        let items = ItemSimilarityModel.fit(purchases: purchases)
        #expect(try roundTrips(items))
        #expect(try roundTrips(PopularityModel.fit(purchases: purchases)))
        let parameters = try items.encodeParameters()
        #expect(parameters["items"]?.values == [10, 20, 30, 40])
        // Neighbours: 10 → 2, 20 → 2, 30 → 3, 40 → 1.
        #expect(parameters["neighbour_offsets"]?.values == [0, 2, 4, 7, 8])
        #expect(parameters["neighbour_items"]?.values == [20, 30, 10, 30, 20, 40, 10, 30])
    }

    @Test("item ids beyond 2^53 cannot be stored exactly and are refused")
    func hugeItemIDs() {
        let model = PopularityModel(ranking: [ScoredItem(item: (1 << 53) + 1, score: 1)])
        #expect(throws: LearningError.self) { try model.encodeParameters() }
    }

    @Test("decoding refuses the wrong kind, missing tensors, wrong shapes and invalid values")
    func decodingErrors() throws {
        let good = BGNBDModel(r: 1, alpha: 2, a: 3, b: 4).encodeParameters()
        #expect(throws: LearningError.self) { try GammaGammaModel(parameters: good) }
        var missing = good
        missing.tensors.removeLast()
        do {
            _ = try BGNBDModel(parameters: missing)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("missing tensor 'b'"))
        }
        var negative = good
        negative.tensors[0] = .scalar("r", -1)
        #expect(throws: LearningError.self) { try BGNBDModel(parameters: negative) }
        var wrongShape = good
        wrongShape.tensors[1] = .vector("alpha", [1, 2])
        #expect(throws: LearningError.self) { try BGNBDModel(parameters: wrongShape) }

        let logistic = LogisticRegressionModel(standardizer: Standardizer(means: [0, 0], standardDeviations: [1, 1]),
                                               intercept: 0, coefficients: [1, 2]).encodeParameters()
        var short = logistic
        short.tensors[2] = .vector("feature_means", [0])
        #expect(throws: LearningError.self) { try LogisticRegressionModel(parameters: short) }

        let popularity = ModelParameters(kind: "popularity", tensors: [.vector("items", [1.5]), .vector("scores", [1])])
        #expect(throws: LearningError.self) { try PopularityModel(parameters: popularity) }
        #expect(throws: LearningError.self) { try NamedTensor(validatingName: "x", shape: [2, 2], values: [1, 2, 3]) }
    }
}
