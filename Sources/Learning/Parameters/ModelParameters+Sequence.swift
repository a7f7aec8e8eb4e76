/// `gru_sequence`: PyTorch's names and shapes for `nn.GRU(d, h)` (layer 0, suffix `_l0` dropped)
/// and the output layer: `weight_ih` [3h, d], `weight_hh` [3h, h], `bias_ih` [3h], `bias_hh` [3h],
/// gate rows in the order r, z, n; `output_weight` [h], `output_bias` []. Sizes are read from the shapes.
extension GRUSequenceModel: ParameterEncodable {
    public static let parameterKind = "gru_sequence"

    public func encodeParameters() -> ModelParameters {
        let h = hiddenSize, d = inputSize
        return ModelParameters(kind: Self.parameterKind, tensors: [
            NamedTensor(name: "weight_ih", shape: [3 * h, d], values: Array(weightIH)),
            NamedTensor(name: "weight_hh", shape: [3 * h, h], values: Array(weightHH)),
            .vector("bias_ih", Array(biasIH)),
            .vector("bias_hh", Array(biasHH)),
            .vector("output_weight", Array(outputWeight)),
            .scalar("output_bias", outputBias),
        ])
    }

    public init(parameters: ModelParameters) throws(LearningError) {
        let reader = try ParameterReader(parameters, kind: Self.parameterKind)
        let inputWeights = try reader.tensor("weight_ih", shape: [nil, nil])
        let rows = inputWeights.shape[0], d = inputWeights.shape[1]
        guard rows >= 3, rows % 3 == 0, d >= 1 else {
            throw .invalidParameters(model: reader.model, reason:
                "weight_ih has shape \(inputWeights.shape), expected [3h, d] with h ≥ 1 and d ≥ 1")
        }
        let h = rows / 3
        let hiddenWeights = try reader.tensor("weight_hh", shape: [3 * h, h])
        let inputBias = try reader.tensor("bias_ih", shape: [3 * h])
        let hiddenBias = try reader.tensor("bias_hh", shape: [3 * h])
        let outputWeight = try reader.tensor("output_weight", shape: [h])
        let outputBias = try reader.tensor("output_bias", shape: [])
        self.init(inputSize: d, hiddenSize: h, parameters: inputWeights.values + hiddenWeights.values + inputBias.values
                  + hiddenBias.values + outputWeight.values + outputBias.values)
    }
}

/// `gru_sequence` with the input scaling: the GRU's tensors, then `feature_means`: [d] and
/// `feature_standard_deviations`: [d] when the inputs are standardised (absent: no scaling).
extension GRUSequenceClassifier: ParameterEncodable {
    public static let parameterKind = GRUSequenceModel.parameterKind

    public func encodeParameters() -> ModelParameters {
        let gru = model.encodeParameters()
        return ModelParameters(kind: Self.parameterKind, tensors: gru.tensors + (standardizer?.tensors() ?? []))
    }

    public init(parameters: ModelParameters) throws(LearningError) {
        let model = try GRUSequenceModel(parameters: parameters)
        let reader = try ParameterReader(parameters, kind: Self.parameterKind)
        let standardizer: Standardizer? = reader.has("feature_means")
            ? try Standardizer(reading: reader, features: model.inputSize) : nil
        self.init(standardizer: standardizer, model: model)
    }
}
