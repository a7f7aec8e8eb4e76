/// A named array of float64 values with a shape, row-major (C order) like numpy's default:
/// the portable unit in which models expose their weights.
public struct NamedTensor: Sendable, Equatable {
    /// The tensor's name, snake_case, unique within a model (e.g. `coefficients`).
    public var name: String
    /// The dimensions; `[]` is a scalar (one value), `[n]` a vector, `[rows, columns]` a matrix.
    public var shape: [Int]
    /// The values, row-major; `values.count` is the product of `shape`.
    public var values: [Double]

    /// Creates a tensor; the number of values must match the shape.
    public init(name: String, shape: [Int], values: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "tensor \(name): negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == values.count,
                     "tensor \(name): shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        self.name = name
        self.shape = shape
        self.values = values
    }

    /// Creates a tensor from untrusted data (for example, read from a file), throwing instead
    /// of trapping when the shape has a negative dimension or does not match the value count.
    public init(validatingName name: String, shape: [Int], values: [Double]) throws(LearningError) {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, { $0.multipliedReportingOverflow(by: $1).partialValue }) == values.count else {
            throw .invalidParameters(model: "tensor", reason: "tensor '\(name)' has shape \(shape) but \(values.count) values")
        }
        self.init(name: name, shape: shape, values: values)
    }

    /// A scalar (shape `[]`).
    public static func scalar(_ name: String, _ value: Double) -> NamedTensor {
        NamedTensor(name: name, shape: [], values: [value])
    }

    /// A vector (shape `[n]`).
    public static func vector(_ name: String, _ values: [Double]) -> NamedTensor {
        NamedTensor(name: name, shape: [values.count], values: values)
    }

    /// A matrix (shape `[rows, columns]`).
    public static func matrix(_ name: String, _ matrix: FeatureMatrix) -> NamedTensor {
        NamedTensor(name: name, shape: [matrix.rows, matrix.columns], values: matrix.values)
    }
}

/// A model's parameters as a kind plus named tensors: what the registry stores.
public struct ModelParameters: Sendable, Equatable {
    /// Which model these parameters belong to (e.g. `bgnbd`), see ``ParameterEncodable/parameterKind``.
    public var kind: String
    /// The tensors, in a fixed order per kind.
    public var tensors: [NamedTensor]

    /// Creates a parameter set.
    public init(kind: String, tensors: [NamedTensor]) {
        self.kind = kind
        self.tensors = tensors
    }

    /// The tensor called `name`, if present.
    public subscript(name: String) -> NamedTensor? {
        tensors.first { $0.name == name }
    }
}

/// A model whose parameters round-trip exactly through ``ModelParameters``.
public protocol ParameterEncodable: Sendable {
    /// The kind written into ``ModelParameters/kind`` and checked on decoding.
    static var parameterKind: String { get }
    /// The model's parameters as named tensors.
    func encodeParameters() throws(LearningError) -> ModelParameters
    /// Rebuilds the model, checking kind, tensor names, shapes and values.
    init(parameters: ModelParameters) throws(LearningError)
}

/// Decoding helpers that turn a malformed parameter set into a clear error.
struct ParameterReader {
    let parameters: ModelParameters
    let model: String

    init(_ parameters: ModelParameters, kind: String) throws(LearningError) {
        self.parameters = parameters
        self.model = kind
        guard parameters.kind == kind else {
            throw .invalidParameters(model: kind, reason: "parameters are of kind '\(parameters.kind)', expected '\(kind)'")
        }
    }

    func tensor(_ name: String, shape expected: [Int?]) throws(LearningError) -> NamedTensor {
        guard let tensor = parameters[name] else {
            let present = parameters.tensors.map(\.name).joined(separator: ", ")
            throw .invalidParameters(model: model, reason: "missing tensor '\(name)' (present: \(present))")
        }
        let matches = tensor.shape.count == expected.count
            && zip(tensor.shape, expected).allSatisfy { actual, wanted in wanted.map { $0 == actual } ?? true }
        guard matches, tensor.shape.reduce(1, *) == tensor.values.count else {
            let wanted = expected.map { $0.map(String.init) ?? "n" }.joined(separator: ", ")
            throw .invalidParameters(model: model, reason:
                "tensor '\(name)' has shape \(tensor.shape) and \(tensor.values.count) values, expected [\(wanted)]")
        }
        if let bad = tensor.values.first(where: { !$0.isFinite }) {
            throw .invalidParameters(model: model, reason: "tensor '\(name)' holds the non-finite value \(bad)")
        }
        return tensor
    }

    func has(_ name: String) -> Bool { parameters[name] != nil }

    func positiveScalar(_ name: String) throws(LearningError) -> Double {
        let value = try tensor(name, shape: []).values[0]
        guard value > 0 else {
            throw .invalidParameters(model: model, reason: "'\(name)' is \(value), must be positive")
        }
        return value
    }

    func integers(_ tensor: NamedTensor) throws(LearningError) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(tensor.values.count)
        for value in tensor.values {
            guard let integer = Int(exactly: value) else {
                throw .invalidParameters(model: model, reason: "tensor '\(tensor.name)' holds \(value), expected an integer")
            }
            out.append(integer)
        }
        return out
    }
}

/// Integers up to 2⁵³ in magnitude are exact in float64; item identifiers must stay within.
func exactDouble(_ value: Int, model: String, what: String) throws(LearningError) -> Double {
    let limit = 1 << 53
    guard value.magnitude <= UInt(limit) else {
        throw .invalidParameters(model: model, reason: "\(what) \(value) exceeds 2^53 and cannot be stored exactly as float64")
    }
    return Double(value)
}
