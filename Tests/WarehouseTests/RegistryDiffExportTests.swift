import Foundation
import Learning
import SQLiteStore
import Testing
@testable import Warehouse

/// Diffs between snapshots, exports for other tools, and stored predictions.
@Suite struct RegistryDiffExportTests {
    @Test func diffListsChangedFieldsAndTheLargestChangePerTensor() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let a = try warehouse.saveSnapshot(try RegistryFixtures.draft(coefficients: [0.25, -1.5], auc: 0.70, rows: 100))
        let b = try warehouse.saveSnapshot(try RegistryFixtures.draft(coefficients: [0.5, -1.5], auc: 0.75, rows: 120))
        let diff = try warehouse.diff(a, b)
        let changed = Dictionary(uniqueKeysWithValues: diff.changes.map { ("\($0.section.rawValue).\($0.name)", $0) })
        #expect(changed["metrics.auc"]?.a == 0.70 && changed["metrics.auc"]?.b == 0.75)
        #expect(abs((changed["metrics.auc"]?.difference ?? 0) - 0.05) < 1e-12, "0.75 - 0.70 in float64")
        #expect(changed["training.rows"]?.difference == 20)
        #expect(changed["snapshot.weights_sha256"] != nil)
        #expect(changed["hyperparameters.l2_penalty"] == nil && changed["metrics.baseline.auc"] == nil, "unchanged fields are not changes")
        #expect(diff.fields.contains { $0.name == "calibration[1].observed" && !$0.changed })
        let tensors = Dictionary(uniqueKeysWithValues: diff.tensors.map { ($0.name, $0) })
        #expect(tensors["coefficients"]?.maxAbsDifference == 0.25)
        #expect(tensors["coefficients"]?.identical == false)
        #expect(tensors["intercept"]?.identical == true && tensors["intercept"]?.maxAbsDifference == 0)
        #expect(tensors["feature_means"]?.maxAbsDifference == 0.25)
        #expect(!diff.weightsIdentical)
        #expect(try warehouse.diff(a, a).changes.isEmpty)
        #expect(try warehouse.diff(a, a).weightsIdentical)
        // Tensors of different shapes or present in one snapshot only.
        let wide = try warehouse.saveSnapshot(try RegistryFixtures.draft("wide", coefficients: [1, 2, 3]))
        let shapes = try warehouse.diff(a, wide).tensors.first { $0.name == "coefficients" }
        #expect(shapes?.shapeA == [2] && shapes?.shapeB == [3] && shapes?.maxAbsDifference == nil)
        let tables = RegistryTables.diff(try warehouse.diff(a, b))
        #expect(tables[0].table.displayRows.contains { $0[1] == "auc" && $0[4] == "+0.05" })
    }

    @Test func exportWritesTheBlobAndASidecar() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let snapshot = try warehouse.saveSnapshot(try RegistryFixtures.draft())
        try warehouse.promote(name: "churn", version: 1, by: "ana")
        let export = try warehouse.exportSnapshot(snapshot, to: scratch.path("churn-1.safetensors"))
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: export.weightsPath)))
        #expect(WeightsFile.sha256(written) == snapshot.weightsSHA256)
        #expect(export.metadataPath == scratch.path("churn-1.safetensors.json"))
        let sidecar = try JSONValue.parse(String(contentsOfFile: export.metadataPath, encoding: .utf8))
        #expect(sidecar["reference"] == "churn@1")
        #expect(sidecar["aliases"] == ["production"])
        #expect(sidecar["metrics"]?["baseline"]?["auc"] == 0.64)
        #expect(sidecar["training"]?["rows"] == 4338)
        #expect(sidecar["weights"]?["file"] == "churn-1.safetensors")
        #expect(sidecar["weights"]?["sha256"] == .string(snapshot.weightsSHA256))
        #expect(sidecar["weights"]?["tensor_order"] == ["intercept", "coefficients", "feature_means", "feature_standard_deviations"])
        #expect(throws: RegistryError.self) { try warehouse.exportSnapshot(snapshot, to: scratch.path("missing/dir/x.safetensors")) }
    }

    /// Opt-in (set LIFECYCLE_TEST_PYTHON=1; needs python3 with numpy): the snippet in
    /// docs/FORMATS.md and examples/read_weights.py read an exported file with numpy alone.
    @Test(.enabled(if: PythonCheck.enabled)) func numpyReadsAnExportedFile() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let values = RegistryFixtures.awkwardDoubles(count: 40, seed: 3).filter(\.isFinite)
        let parameters = ModelParameters(kind: "test", tensors: [
            .scalar("scale", -0.0), NamedTensor(name: "grid", shape: [2, values.count / 2], values: Array(values.prefix(values.count / 2 * 2))),
            .vector("b", [1, 2, 3]),
        ])
        let snapshot = try warehouse.saveSnapshot(ModelSnapshotDraft(name: "grid", parameters: parameters, trainingAsOf: 0,
                                                                     trainingRows: 0, dataFingerprint: RegistryFixtures.fingerprint))
        let path = scratch.path("grid.safetensors")
        try warehouse.exportSnapshot(snapshot, to: path)

        // The docs snippet prints name, shape and the values' bit patterns.
        let snippet = try PythonCheck.formatsSnippet()
        let script = snippet + """

            for name, array in tensors.items():
                print(name, list(array.shape), ",".join("%016x" % v for v in array.reshape(-1).view("<u8")))
            """
        let output = try PythonCheck.run(script: script, arguments: [path], in: scratch)
        let expected = parameters.tensors.map { tensor in
            "\(tensor.name) \(tensor.shape) " + tensor.values.map { String(format: "%016lx", $0.bitPattern) }.joined(separator: ",")
        }
        #expect(output.split(separator: "\n").map(String.init) == expected.map { $0.replacingOccurrences(of: "[]", with: "[]") })

        let example = try PythonCheck.run(file: PythonCheck.repository.appendingPathComponent("examples/read_weights.py").path,
                                          arguments: [path], in: scratch)
        #expect(example.contains("grid@1"))
        #expect(example.contains("sha256 ok"))
        #expect(example.contains("grid: shape (2, \(values.count / 2))"))
    }

    /// Opt-in like the test above: examples/read_weights.py evaluates exported boosted trees with
    /// numpy alone and gives the Swift model's probabilities (to 1e-12: numpy sums the same leaf
    /// values in the same order, exp may differ in the last bits).
    @Test(.enabled(if: PythonCheck.enabled)) func numpyScoresExportedBoostedTrees() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        var generator = Xoshiro256StarStar(seed: 11)
        let rows = (0..<300).map { _ in [generator.nextStandardNormal(), generator.nextStandardNormal(), generator.nextOpenUnitInterval()] }
        let labels = rows.map { ($0[0] > 0) != ($0[1] > 0.5) || $0[2] > 0.9 }
        let model = try GradientBoostedTreesModel.fit(FeatureMatrix(rowArrays: rows), labels: labels,
                                                      options: GradientBoostingOptions(maximumIterations: 12, minimumSamplesPerLeaf: 5)).model
        let snapshot = try warehouse.saveSnapshot(ModelSnapshotDraft(name: "trees", parameters: model.encodeParameters(), trainingAsOf: 0,
                                                                     trainingRows: rows.count, dataFingerprint: RegistryFixtures.fingerprint))
        let path = scratch.path("trees.safetensors")
        try warehouse.exportSnapshot(snapshot, to: path)
        let rowsFile = try scratch.file("rows.csv", rows.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n") + "\n")
        let output = try PythonCheck.run(file: PythonCheck.repository.appendingPathComponent("examples/read_weights.py").path,
                                         arguments: [path, rowsFile], in: scratch)
        let numpy = output.split(separator: "\n").filter { $0.hasPrefix("p ") }.compactMap { Double($0.dropFirst(2)) }
        let swift = model.predictProbabilities(FeatureMatrix(rowArrays: rows))
        #expect(numpy.count == rows.count)
        #expect(zip(numpy, swift).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func predictionsAreReplacedPerSnapshotAndAsOf() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        try warehouse.db.execute("""
            INSERT INTO imports (id, kind, format, file_name, status, started_at) VALUES (1, 'users', 'csv', 'u.csv', 'finished', 0);
            INSERT INTO users (id, external_id, import_id) VALUES (1, 'u1', 1), (2, 'u2', 1), (3, 'u3', 1);
            """)
        let v1 = try warehouse.saveSnapshot(try RegistryFixtures.draft())
        let v2 = try warehouse.saveSnapshot(try RegistryFixtures.draft())
        #expect(try warehouse.savePredictions(snapshot: v1, asOf: 100, scores: [(userID: 1, score: 0.2), (userID: 2, score: 0.9), (userID: 3, score: 0.5)]) == 3)
        try warehouse.savePredictions(snapshot: v1, asOf: 200, scores: [(userID: 1, score: 0.1)])
        try warehouse.savePredictions(snapshot: v2, asOf: 100, scores: [(userID: 1, score: 0.3)])
        #expect(try warehouse.predictions(snapshot: v1, asOf: 100).map(\.customer) == ["u2", "u3", "u1"])
        #expect(try warehouse.predictions(snapshot: v1, asOf: 100, limit: 1) == [Prediction(userID: 2, customer: "u2", score: 0.9)])
        // Re-scoring replaces exactly that snapshot and as-of.
        try warehouse.savePredictions(snapshot: v1, asOf: 100, scores: [(userID: 3, score: 0.7)])
        #expect(try warehouse.predictions(snapshot: v1, asOf: 100).map(\.userID) == [3])
        #expect(try warehouse.predictionRuns(snapshot: v1).map(\.asOf) == [100, 200])
        #expect(try warehouse.predictions(snapshot: v2, asOf: 100).count == 1)
        // Bad input leaves the earlier scores in place.
        let unknownUser = try #require(throws: RegistryError.self) {
            try warehouse.savePredictions(snapshot: v1, asOf: 100, scores: [(userID: 1, score: 0.5), (userID: 99, score: 0.5)])
        }
        #expect(unknownUser.description.contains("user id 99 names a row that is not in users"))
        let twice = try #require(throws: RegistryError.self) {
            try warehouse.savePredictions(snapshot: v1, asOf: 100, scores: [(userID: 1, score: 0.5), (userID: 1, score: 0.6)])
        }
        #expect(twice.description.contains("user id 1 is scored twice"))
        #expect(throws: RegistryError.self) { try warehouse.savePredictions(snapshot: v1, asOf: 100, scores: [(userID: 1, score: .nan)]) }
        #expect(try warehouse.predictions(snapshot: v1, asOf: 100).map(\.userID) == [3])
    }
}

/// Runs Python for the opt-in numpy test.
enum PythonCheck {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Whether LIFECYCLE_TEST_PYTHON asks for the Python tests.
    static var enabled: Bool {
        let value = ProcessInfo.processInfo.environment["LIFECYCLE_TEST_PYTHON"] ?? ""
        return !value.isEmpty && value != "0"
    }

    /// The first ```python block of docs/FORMATS.md's "Model weights" section.
    static func formatsSnippet() throws -> String {
        let text = try String(contentsOf: repository.appendingPathComponent("docs/FORMATS.md"), encoding: .utf8)
        guard let section = text.range(of: "## Model weights"),
              let start = text.range(of: "```python\n", range: section.upperBound..<text.endIndex),
              let end = text.range(of: "```", range: start.upperBound..<text.endIndex) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return String(text[start.upperBound..<end.lowerBound])
    }

    static func run(script: String, arguments: [String], in scratch: Scratch) throws -> String {
        let path = try scratch.file("snippet.py", script)
        return try run(file: path, arguments: arguments, in: scratch)
    }

    static func run(file: String, arguments: [String], in scratch: Scratch) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", file] + arguments
        process.currentDirectoryURL = scratch.directory
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }
}
