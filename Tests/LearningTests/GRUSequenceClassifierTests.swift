import Foundation
import Testing
@testable import Learning

@Suite("GRU sequence classifier (standardised inputs)")
struct GRUSequenceClassifierTests {
    /// Two sequences of two periods, two features: feature 0 takes 1, 3, 5, 7 (mean 4, population
    /// sd √5), feature 1 is constant 10 (sd 1 by the standardizer's rule).
    let raw = SequenceTensor(count: 2, periods: 2, features: 2, values: [1, 10, 3, 10, 5, 10, 7, 10])

    @Test("the fit standardises every period of every training sequence and predicts raw sequences through the same map")
    func scalesByTrainingPeriods() throws {
        let (classifier, fit) = try GRUSequenceClassifier.fit(raw, labels: [false, true],
                                                              options: GRUSequenceOptions(hiddenSize: 2, maximumEpochs: 3, validationFraction: 0))
        let scaler = try #require(classifier.standardizer)
        #expect(scaler.means == [4, 10])
        #expect(abs(scaler.standardDeviations[0] - 5.0.squareRoot()) < 1e-15 && scaler.standardDeviations[1] == 1)
        #expect(classifier.model == fit.model)
        let scaled = SequenceTensor(count: 2, periods: 2, features: 2,
                                    values: [1, 3, 5, 7].flatMap { [($0 - 4) / 5.0.squareRoot(), 0] })
        #expect(classifier.predictProbabilities(raw) == fit.model.predictProbabilities(scaled))
    }

    @Test("the scaling is stored beside the GRU's tensors under gru_sequence and round-trips exactly; without it, none applies")
    func parametersRoundTrip() throws {
        let model = GRUSequenceModel(inputSize: 2, hiddenSize: 3, seed: 1)
        let classifier = GRUSequenceClassifier(standardizer: Standardizer(means: [4, 10], standardDeviations: [2, 1]), model: model)
        let parameters = classifier.encodeParameters()
        #expect(parameters.kind == "gru_sequence")
        #expect(parameters.tensors.map(\.name) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "output_weight", "output_bias",
                                                   "feature_means", "feature_standard_deviations"])
        #expect(try GRUSequenceClassifier(parameters: parameters) == classifier)
        // The bare GRU's layout still reads as a classifier without scaling, and the GRU alone ignores the scaling.
        let bare = try GRUSequenceClassifier(parameters: model.encodeParameters())
        #expect(bare.standardizer == nil && bare.predictProbabilities(raw) == model.predictProbabilities(raw))
        #expect(try GRUSequenceModel(parameters: parameters) == model)
        var wrong = parameters
        wrong.tensors[6] = .vector("feature_means", [4, 10, 0])
        #expect(throws: LearningError.self) { try GRUSequenceClassifier(parameters: wrong) }
    }
}
