/// A ``GRUSequenceModel`` whose inputs are standardised per feature first: z = (x − mean) / sd,
/// with each feature's mean and population standard deviation taken over every period of every
/// training sequence (constant features get sd 1). The statistics are part of the model, so
/// predictions on raw sequences apply exactly the map the fit used. Without a standardizer the
/// sequences go to the GRU as they are (the `gru_sequence` layout's scaling tensors are optional,
/// as k-means' are).
public struct GRUSequenceClassifier: Sendable, Equatable {
    /// The per-feature scaling applied before the GRU, or nil for none.
    public let standardizer: Standardizer?
    /// The GRU over the scaled sequences.
    public let model: GRUSequenceModel

    /// Combines a scaling with a GRU of the same input width.
    public init(standardizer: Standardizer?, model: GRUSequenceModel) {
        precondition(standardizer.map { $0.dimension == model.inputSize } ?? true,
                     "a standardizer of \(standardizer?.dimension ?? 0) features for a GRU of \(model.inputSize) inputs")
        self.standardizer = standardizer
        self.model = model
    }

    /// Features per period.
    public var inputSize: Int { model.inputSize }

    /// Fits the scaling on `sequences` (raw values), then the GRU on the scaled sequences with
    /// ``GRUSequenceModel/fit(_:labels:options:)``. The sequences are scaled in place: pass the
    /// only reference (`consume`) and no second copy of the largest array of a fit is made.
    public static func fit(_ sequences: consuming SequenceTensor, labels: [Bool],
                           options: GRUSequenceOptions = GRUSequenceOptions()) throws(LearningError) -> (classifier: Self, fit: GRUSequenceFit) {
        let standardizer = Standardizer(fitting: Self.periodRows(sequences))
        var scaled = consume sequences
        standardizer.transformRows(&scaled.values)
        let fit = try GRUSequenceModel.fit(scaled, labels: labels, options: options)
        return (GRUSequenceClassifier(standardizer: standardizer, model: fit.model), fit)
    }

    /// P(y = 1) for every raw sequence.
    public func predictProbabilities(_ sequences: SequenceTensor) -> [Double] {
        model.predictProbabilities(standardizer.map { Self.scaled(sequences, by: $0) } ?? sequences)
    }

    /// Every period of every sequence as one row of a `(count · periods) × features` matrix
    /// (the same row-major values).
    static func periodRows(_ sequences: SequenceTensor) -> FeatureMatrix {
        FeatureMatrix(rows: sequences.count * sequences.periods, columns: sequences.features, values: sequences.values)
    }

    /// `sequences` with every period's features standardised.
    static func scaled(_ sequences: SequenceTensor, by standardizer: Standardizer) -> SequenceTensor {
        SequenceTensor(count: sequences.count, periods: sequences.periods, features: sequences.features,
                       values: standardizer.transform(periodRows(sequences)).values)
    }
}
