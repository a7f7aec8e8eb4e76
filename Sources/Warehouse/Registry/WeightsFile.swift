import Crypto
import Learning

/// A tensor's name and shape as the weights header lists them.
public struct TensorDescription: Sendable, Equatable {
    /// The tensor's name (e.g. `coefficients`).
    public let name: String
    /// Its dimensions (`[]` for a scalar).
    public let shape: [Int]
}

/// Why bytes are not a weights file this build can read, or parameters cannot be written as one.
public struct WeightsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// The portable weights layout (docs/FORMATS.md, "Model weights"): the safetensors format with
/// float64 tensors, readable by numpy alone or by the `safetensors` package.
///
/// ```
/// 8 bytes   N, the header length: unsigned 64-bit little-endian
/// N bytes   UTF-8 JSON: {"name": {"dtype": "F64", "shape": [...], "data_offsets": [begin, end]}, ...,
///                        "__metadata__": {"format": "lifecycle-weights-1", "kind": "...",
///                                         "tensor_order": "name,name,..."}}
///           padded with spaces so the data starts at a multiple of 8 bytes
/// rest      the tensors' values, float64 little-endian, row-major, in tensor order;
///           offsets are relative to the start of this part
/// ```
public enum WeightsFile {
    /// The value of `weights_format` and of the header's `__metadata__.format`.
    public static let format = "lifecycle-weights-1"

    /// The largest header accepted, as in the safetensors reference implementation.
    static let maximumHeaderLength = 100_000_000

    /// The metadata key of the header (safetensors' own).
    static let metadataKey = "__metadata__"

    /// Encodes parameters; tensor names must be non-empty, unique, without commas and not
    /// `__metadata__`, and each tensor's value count must match its shape.
    public static func encode(_ parameters: ModelParameters) throws(WeightsError) -> [UInt8] {
        var names = Set<String>()
        var entries: [JSONMember] = []
        var offset = 0
        for tensor in parameters.tensors {
            guard !tensor.name.isEmpty, !tensor.name.contains(","), tensor.name != metadataKey else {
                throw WeightsError("tensor name '\(tensor.name)' cannot be stored: names must be non-empty, without commas, and not \(metadataKey)")
            }
            guard names.insert(tensor.name).inserted else { throw WeightsError("tensor name '\(tensor.name)' appears twice") }
            guard let count = elementCount(tensor.shape), count == tensor.values.count else {
                throw WeightsError("tensor '\(tensor.name)' has shape \(tensor.shape) but \(tensor.values.count) values")
            }
            let end = offset + 8 * count
            entries.append(JSONMember(tensor.name, [
                "dtype": "F64", "shape": .array(tensor.shape.map { .integer(Int64($0)) }),
                "data_offsets": [.integer(Int64(offset)), .integer(Int64(end))],
            ]))
            offset = end
        }
        guard !parameters.kind.isEmpty else { throw WeightsError("the parameters have no kind") }
        entries.append(JSONMember(metadataKey, [
            "format": .string(format), "kind": .string(parameters.kind),
            "tensor_order": .string(parameters.tensors.map(\.name).joined(separator: ",")),
        ]))
        var header = Array(((try? JSONValue.object(entries).jsonText()) ?? "{}").utf8)
        while (8 + header.count) % 8 != 0 { header.append(0x20) }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        appendLittleEndian(UInt64(header.count), to: &bytes)
        bytes += header
        for tensor in parameters.tensors {
            for value in tensor.values { appendLittleEndian(value.bitPattern, to: &bytes) }
        }
        return bytes
    }

    /// Decodes bytes written by ``encode(_:)`` (or any safetensors file of float64 tensors whose
    /// metadata names this format and a kind), restoring the tensor order. Every offset, shape
    /// and length is checked: the data must be covered exactly, without gaps or overlaps.
    public static func decode(_ bytes: [UInt8]) throws(WeightsError) -> ModelParameters {
        let header = try readHeader(bytes)
        let dataStart = 8 + header.length
        let columns: [[Double]] = bytes.withUnsafeBytes { raw in
            header.tensors.map { entry in
                (0..<(entry.end - entry.begin) / 8).map { index in
                    let bits = raw.loadUnaligned(fromByteOffset: dataStart + entry.begin + 8 * index, as: UInt64.self)
                    return Double(bitPattern: UInt64(littleEndian: bits))
                }
            }
        }
        var tensors: [NamedTensor] = []
        tensors.reserveCapacity(header.tensors.count)
        for (entry, values) in zip(header.tensors, columns) {
            do {
                tensors.append(try NamedTensor(validatingName: entry.name, shape: entry.shape, values: values))
            } catch {
                throw WeightsError("tensor '\(entry.name)': \(error)")
            }
        }
        return ModelParameters(kind: header.kind, tensors: tensors)
    }

    /// The tensors' names and shapes in order, and the kind, reading only the header: the
    /// first 8 bytes give its length.
    public static func describe(header bytes: [UInt8]) throws(WeightsError) -> (kind: String, tensors: [TensorDescription]) {
        let header = try readHeader(bytes, dataChecked: false)
        return (header.kind, header.tensors.map { TensorDescription(name: $0.name, shape: $0.shape) })
    }

    /// The header length stored in the first 8 bytes, if there are 8 bytes.
    public static func headerLength(_ prefix: [UInt8]) -> Int? {
        guard prefix.count >= 8 else { return nil }
        let length = prefix[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return length <= UInt64(maximumHeaderLength) ? Int(length) : nil
    }

    /// Lower-case hex SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    // MARK: Header

    struct Entry {
        let name: String
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    struct Header {
        let length: Int
        let kind: String
        let tensors: [Entry]
    }

    static func readHeader(_ bytes: [UInt8], dataChecked: Bool = true) throws(WeightsError) -> Header {
        guard bytes.count >= 8 else { throw WeightsError("\(bytes.count) bytes is too short for a weights file (at least 8 expected)") }
        guard let length = headerLength(bytes) else { throw WeightsError("the header length is larger than \(maximumHeaderLength) bytes") }
        guard length <= bytes.count - 8 else {
            throw WeightsError("the header claims \(length) bytes but only \(bytes.count - 8) follow: the file is truncated")
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes: Array(bytes[8..<8 + length]))
        } catch {
            throw WeightsError("the header is not valid JSON: \(error)")
        }
        guard let members = json.members else { throw WeightsError("the header is not a JSON object") }
        guard let metadata = json[metadataKey]?.members else { throw WeightsError("the header has no \(metadataKey) object") }
        guard let format = json[metadataKey]?["format"]?.stringValue, format == Self.format else {
            let found = json[metadataKey]?["format"]?.displayText ?? "none"
            throw WeightsError("the weights format is \(found), expected \(Self.format) (written by another version of lifecycle?)")
        }
        guard metadata.allSatisfy({ $0.value.stringValue != nil }) else { throw WeightsError("\(metadataKey) values must be strings") }
        guard let kind = json[metadataKey]?["kind"]?.stringValue, !kind.isEmpty else { throw WeightsError("\(metadataKey) names no kind") }

        var entries: [String: Entry] = [:]
        for member in members where member.key != metadataKey {
            entries[member.key] = try entry(member)
        }
        let order: [String]
        if let list = json[metadataKey]?["tensor_order"]?.stringValue {
            order = list.isEmpty ? [] : list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard order.count == entries.count, Set(order) == Set(entries.keys) else {
                throw WeightsError("tensor_order lists \(order) but the header holds \(entries.keys.sorted())")
            }
        } else {
            order = entries.values.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }.map(\.name)
        }
        let tensors = order.compactMap { entries[$0] }

        let dataCount = bytes.count - 8 - length
        var covered = 0
        for entry in tensors.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard entry.begin == covered else {
                throw WeightsError("tensor '\(entry.name)' starts at byte \(entry.begin) of the data, expected \(covered) (gap or overlap)")
            }
            covered = entry.end
        }
        if dataChecked && covered != dataCount {
            throw WeightsError("the tensors cover \(covered) bytes of data but \(dataCount) follow the header (truncated or extra bytes)")
        }
        return Header(length: length, kind: kind, tensors: tensors)
    }

    private static func entry(_ member: JSONMember) throws(WeightsError) -> Entry {
        let name = member.key
        guard let dtype = member.value["dtype"]?.stringValue else { throw WeightsError("tensor '\(name)' has no dtype") }
        guard dtype == "F64" else { throw WeightsError("tensor '\(name)' has dtype \(dtype); only F64 is supported") }
        guard case .array(let dimensions)? = member.value["shape"] else { throw WeightsError("tensor '\(name)' has no shape") }
        var shape: [Int] = []
        for dimension in dimensions {
            guard case .integer(let size) = dimension, size >= 0, size <= Int64(Int32.max) else {
                throw WeightsError("tensor '\(name)' has an invalid shape \(dimensions.map(\.displayText))")
            }
            shape.append(Int(size))
        }
        guard case .array(let offsets)? = member.value["data_offsets"], offsets.count == 2,
              case .integer(let begin) = offsets[0], case .integer(let end) = offsets[1],
              begin >= 0, end >= begin, end <= Int64(Int32.max) * 8 else {
            throw WeightsError("tensor '\(name)' has invalid data_offsets")
        }
        guard let count = elementCount(shape), Int64(count) * 8 == end - begin else {
            throw WeightsError("tensor '\(name)' has shape \(shape) but \(end - begin) bytes of data")
        }
        return Entry(name: name, shape: shape, begin: Int(begin), end: Int(end))
    }

    /// The product of the dimensions, or nil on overflow or a negative dimension.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= Int(Int32.max) else { return nil }
            count = product
        }
        return count
    }

    private static func appendLittleEndian(_ value: UInt64, to bytes: inout [UInt8]) {
        var little = value.littleEndian
        withUnsafeBytes(of: &little) { bytes.append(contentsOf: $0) }
    }
}
