import Foundation
import Learning
import Testing
@testable import Warehouse

/// The weights layout: safetensors with float64 tensors, exact round-trips, strict decoding.
@Suite struct RegistryWeightsTests {
    @Test func awkwardDoublesRoundTripBitForBit() throws {
        let values = RegistryFixtures.awkwardDoubles(count: 1000, seed: 7)
        let parameters = ModelParameters(kind: "test", tensors: [
            NamedTensor(name: "matrix", shape: [10, 100], values: values),
            .scalar("negative_zero", -0.0),
            .vector("subnormals", [Double.leastNonzeroMagnitude, Double(bitPattern: 0x0000_28FF_0000_1234), -Double.leastNonzeroMagnitude]),
        ])
        let decoded = try WeightsFile.decode(try WeightsFile.encode(parameters))
        #expect(RegistryFixtures.bitwiseEqual(decoded, parameters))
        #expect(decoded["negative_zero"]?.values[0].sign == .minus)
    }

    @Test func tensorOrderRoundTripsEvenWhenNotAlphabetical() throws {
        let parameters = ModelParameters(kind: "order", tensors: [
            .scalar("zeta", 1), .vector("alpha", [2, 3]), NamedTensor(name: "mid", shape: [1, 2], values: [4, 5]),
            .vector("empty", []),
        ])
        let decoded = try WeightsFile.decode(try WeightsFile.encode(parameters))
        #expect(decoded.tensors.map(\.name) == ["zeta", "alpha", "mid", "empty"])
        #expect(decoded == parameters)
        #expect(try WeightsFile.decode(try WeightsFile.encode(ModelParameters(kind: "none", tensors: []))).tensors.isEmpty)
    }

    @Test func headerIsSafetensorsWithAlignedData() throws {
        let parameters = ModelParameters(kind: "logistic_regression", tensors: [.scalar("intercept", 0.5), .vector("coefficients", [1, 2, 3])])
        let bytes = try WeightsFile.encode(parameters)
        let length = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect((8 + length) % 8 == 0, "data starts on an 8-byte boundary")
        #expect(bytes.count == 8 + length + 4 * 8)
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + length])) as? [String: Any])
        let coefficients = try #require(header["coefficients"] as? [String: Any])
        #expect(coefficients["dtype"] as? String == "F64")
        #expect(coefficients["shape"] as? [Int] == [3])
        #expect(coefficients["data_offsets"] as? [Int] == [8, 32])
        #expect((header["intercept"] as? [String: Any])?["shape"] as? [Int] == [])
        let metadata = try #require(header["__metadata__"] as? [String: String])
        #expect(metadata == ["format": "lifecycle-weights-1", "kind": "logistic_regression", "tensor_order": "intercept,coefficients"])
        // The values are plain little-endian float64 after the header.
        let third = bytes[(8 + length + 24)..<(8 + length + 32)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(Double(bitPattern: third) == 3)
    }

    @Test func malformedBlobsAreClearErrors() throws {
        let good = try WeightsFile.encode(ModelParameters(kind: "k", tensors: [.vector("a", [1, 2]), .scalar("b", 3)]))
        func message(_ bytes: [UInt8]) -> String {
            do {
                _ = try WeightsFile.decode(bytes)
                return "decoded"
            } catch {
                return error.message
            }
        }
        #expect(message(Array(good.prefix(5))).contains("too short"))
        #expect(message(Array(good.dropLast(8))).contains("truncated or extra bytes"))
        #expect(message(good + [0, 0, 0, 0, 0, 0, 0, 0]).contains("truncated or extra bytes"))
        var huge = good
        huge[7] = 0x7F
        #expect(message(huge).contains("header length"))
        var short = good
        short[0] = short[0] &+ 200
        #expect(message(short).contains("truncated") || message(short).contains("JSON"))

        func withHeader(_ json: String, data: [UInt8]) -> [UInt8] {
            var header = Array(json.utf8)
            while (8 + header.count) % 8 != 0 { header.append(0x20) }
            return withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header + data
        }
        let eight = [UInt8](repeating: 0, count: 8)
        let meta = #""__metadata__":{"format":"lifecycle-weights-1","kind":"k"}"#
        #expect(message(withHeader(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},\#(meta)}"#, data: eight)).contains("only F64"))
        #expect(message(withHeader(#"{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,8]},\#(meta)}"#, data: eight)).contains("shape [2] but 8 bytes"))
        #expect(message(withHeader(#"{"a":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[],"data_offsets":[0,8]},\#(meta)}"#, data: eight + eight)).contains("gap or overlap"))
        #expect(message(withHeader(#"{"a":{"dtype":"F64","shape":[],"data_offsets":[0,8]}}"#, data: eight)).contains("no __metadata__"))
        #expect(message(withHeader(#"{"a":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"__metadata__":{"format":"other","kind":"k"}}"#, data: eight)).contains("expected lifecycle-weights-1"))
        #expect(message(withHeader(#"{"a":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"__metadata__":{"format":"lifecycle-weights-1","kind":"k","tensor_order":"a,b"}}"#, data: eight)).contains("tensor_order"))
        // Without tensor_order the data order decides.
        let unordered = withHeader(#"{"b":{"dtype":"F64","shape":[],"data_offsets":[8,16]},"a":{"dtype":"F64","shape":[],"data_offsets":[0,8]},\#(meta)}"#, data: eight + eight)
        #expect(try WeightsFile.decode(unordered).tensors.map(\.name) == ["a", "b"])
    }

    @Test func unstorableTensorNamesAreRefused() {
        for name in ["", "a,b", "__metadata__"] {
            #expect(throws: WeightsError.self) { try WeightsFile.encode(ModelParameters(kind: "k", tensors: [.scalar(name, 1)])) }
        }
        #expect(throws: WeightsError.self) { try WeightsFile.encode(ModelParameters(kind: "k", tensors: [.scalar("a", 1), .scalar("a", 2)])) }
    }

    @Test func everyLearningModelRoundTripsThroughTheRegistry() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        for (index, parameters) in try RegistryFixtures.everyKind().enumerated() {
            let saved = try warehouse.saveSnapshot(ModelSnapshotDraft(
                name: "model-\(index)", parameters: parameters, trainingAsOf: 0, trainingRows: 1,
                dataFingerprint: RegistryFixtures.fingerprint))
            #expect(saved.kind == parameters.kind)
            let loaded = try warehouse.loadParameters(try warehouse.snapshot("model-\(index)@1"))
            #expect(RegistryFixtures.bitwiseEqual(loaded, parameters), "\(parameters.kind)")
        }
        // And back into the model types, equal to the originals.
        let kinds = try RegistryFixtures.everyKind()
        #expect(try warehouse.loadModel(LogisticRegressionModel.self, from: warehouse.snapshot("model-0")).encodeParameters() == kinds[0])
        #expect(try warehouse.loadModel(KMeansModel.self, from: warehouse.snapshot("model-1")).encodeParameters() == kinds[1])
        #expect(try warehouse.loadModel(BGNBDModel.self, from: warehouse.snapshot("model-2")).encodeParameters() == kinds[2])
        #expect(try warehouse.loadModel(GammaGammaModel.self, from: warehouse.snapshot("model-3")).encodeParameters() == kinds[3])
        #expect(try warehouse.loadModel(ItemSimilarityModel.self, from: warehouse.snapshot("model-4")).encodeParameters() == kinds[4])
        #expect(try warehouse.loadModel(PopularityModel.self, from: warehouse.snapshot("model-5")).encodeParameters() == kinds[5])
        #expect(throws: RegistryError.wrongKind("model-0@1", kind: "logistic_regression", expected: "kmeans")) {
            try warehouse.loadModel(KMeansModel.self, from: warehouse.snapshot("model-0"))
        }
    }

    @Test func weightsChecksumIsTheSHA256OfTheStoredBlob() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let snapshot = try warehouse.saveSnapshot(try RegistryFixtures.draft())
        let blob = try #require(try warehouse.db.scalar("SELECT weights FROM model_snapshots WHERE id = ?", snapshot.id).bytes)
        #expect(snapshot.weightsSHA256 == WeightsFile.sha256(blob))
        #expect(snapshot.weightsBytes == blob.count)
        #expect(WeightsFile.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
