/// `satisfaction_recursion`: the scalars `bias`, `w_state`, `w_purchases`, `w_interactions`,
/// `w_review`, `w_returns`, `initial_logit`: [] (docs/satisfaction.md has the recursion they
/// enter; the inputs' transforms are fixed by the code and named in the snapshot's
/// hyperparameters).
extension SatisfactionModel: ParameterEncodable {
    public static let parameterKind = "satisfaction_recursion"

    public func encodeParameters() -> ModelParameters {
        ModelParameters(kind: Self.parameterKind, tensors: zip(Self.parameterNames, vector).map { NamedTensor.scalar($0, $1) })
    }

    public init(parameters: ModelParameters) throws(LearningError) {
        let reader = try ParameterReader(parameters, kind: Self.parameterKind)
        var values: [Double] = []
        for name in Self.parameterNames { values.append(try reader.tensor(name, shape: []).values[0]) }
        self.init(vector: values)
    }
}
