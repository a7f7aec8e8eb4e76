import Foundation
import Testing
@testable import Learning

/// Writes what `bench/reference/sequence_torch.py` compares with PyTorch: a small batch, the
/// initial weights under PyTorch's names, and the Swift loss, gradient and weights after one
/// clipped Adam step. Opt-in: `LEARNING_TORCH_EXPORT=/tmp/gru.json swift test --filter GRUTorchExport`.
@Suite("GRU export for the PyTorch comparison",
       .enabled(if: ProcessInfo.processInfo.environment["LEARNING_TORCH_EXPORT"] != nil,
                "set LEARNING_TORCH_EXPORT to a file path to write the PyTorch comparison's input"))
struct GRUTorchExportTests {
    struct Export: Encodable {
        var inputSize: Int, hiddenSize: Int, periods: Int, count: Int
        var sequences: [Double], labels: [Double]
        var learningRate: Double, clipNorm: Double
        var initial: [String: [Double]], shapes: [String: [Int]]
        var loss: Double, gradient: [String: [Double]], afterStep: [String: [Double]]
    }

    @Test("writes a batch, initial weights, loss, gradient and the weights after one Adam step")
    func export() throws {
        let path = try #require(ProcessInfo.processInfo.environment["LEARNING_TORCH_EXPORT"])
        let count = 32, periods = 24, d = 8, h = 16
        var rng = Xoshiro256StarStar(seed: 71)
        let values = (0..<(count * periods * d)).map { _ in rng.nextStandardNormal() }
        let labels = (0..<count).map { _ in rng.nextBernoulli(0.4) }
        let sequences = SequenceTensor(count: count, periods: periods, features: d, values: values)
        let model = GRUSequenceModel(inputSize: d, hiddenSize: h, seed: 72)
        var (loss, gradient) = model.lossAndGradient(sequences, labels: labels)
        let options = GRUSequenceOptions(learningRate: 0.01, gradientClipNorm: 0.5)
        func named(_ flat: [Double]) throws -> [String: [Double]] {
            let tensors = try GRUSequenceModel(inputSize: d, hiddenSize: h, parameters: flat).encodeParameters().tensors
            return Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.values) })
        }
        let rawGradient = try named(gradient)
        GRUSequenceModel.clipByGlobalNorm(&gradient, to: 0.5)
        var adam = AdamState(count: gradient.count, options: options)
        var stepped = model.parameters
        adam.step(&stepped, gradient: gradient)
        let export = Export(inputSize: d, hiddenSize: h, periods: periods, count: count, sequences: values,
                            labels: labels.map { $0 ? 1 : 0 }, learningRate: 0.01, clipNorm: 0.5,
                            initial: try named(model.parameters),
                            shapes: Dictionary(uniqueKeysWithValues: model.encodeParameters().tensors.map { ($0.name, $0.shape) }),
                            loss: loss, gradient: rawGradient, afterStep: try named(stepped))
        try JSONEncoder().encode(export).write(to: URL(fileURLWithPath: path))
    }
}
