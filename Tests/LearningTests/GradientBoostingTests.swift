import Foundation
import Testing
@testable import Learning

@Suite("Gradient-boosted trees")
struct GradientBoostingTests {
    /// One round, no shrinkage, no validation, leaves of one row allowed: the tree is the single
    /// best Newton split, computable by hand.
    private func oneSplitOptions(l2: Double) -> GradientBoostingOptions {
        GradientBoostingOptions(maximumIterations: 1, learningRate: 1, maximumLeafNodes: 2, minimumSamplesPerLeaf: 1,
                                l2Regularization: l2, validationFraction: nil)
    }

    @Test("the first tree is the hand-computed best split: threshold, leaf values and gain")
    func handComputedSplit() throws {
        // Feature 0 separates the classes at 4.5; feature 1 is constant except one row, so it
        // cannot split better. Baseline log(4/4) = 0, so p = ½, g = p − y = ±½, h = ¼ per row.
        // Left (x ≤ 4.5): G = 4·½ = 2, H = 1; right: G = −2, H = 1. With λ = 1:
        // values −G/(H + λ) = −1 and +1; gain 2²/2 + 2²/2 − 0²/(2 + 1) = 4.
        let x: [[Double]] = [[1, 0], [2, 0], [3, 0], [4, 5], [5, 0], [6, 0], [7, 0], [8, 0]]
        let y = [false, false, false, false, true, true, true, true]
        let fit = try GradientBoostedTreesModel.fit(FeatureMatrix(rowArrays: x), labels: y, options: oneSplitOptions(l2: 1))
        let tree = try #require(fit.model.trees.first)
        #expect(fit.model.baseline == 0)
        #expect(tree.feature == [0, -1, -1])
        #expect(tree.threshold[0] == 4.5)
        // (The leaf value's denominator carries scikit-learn's 1e-15 guard against H + λ = 0.)
        #expect(abs(tree.value[1] + 1) < 1e-12 && abs(tree.value[2] - 1) < 1e-12)
        #expect(abs(tree.gain[0] - 4) < 1e-12)
        #expect(abs(fit.model.predictProbability([4.5, 0]) - logistic(-1)) < 1e-12)
        #expect(abs(fit.model.predictProbability([4.6, 0]) - logistic(1)) < 1e-12)
        #expect(fit.model.featureImportances == [1, 0])
    }

    @Test("minimum samples per leaf moves the split to the best one that leaves enough rows on each side")
    func minimumSamplesPerLeaf() throws {
        // The pure split (after row 2) would leave 2 rows on the left; with at least 3 per leaf
        // the best allowed split is after row 3, whose left leaf holds one positive.
        let x: [[Double]] = (1...8).map { [Double($0)] }
        let y = [false, false, true, true, true, true, true, true]
        var options = oneSplitOptions(l2: 0)
        options.minimumSamplesPerLeaf = 3
        let tree = try #require(try GradientBoostedTreesModel.fit(FeatureMatrix(rowArrays: x), labels: y, options: options).model.trees.first)
        #expect(tree.threshold[0] == 3.5)
        options.minimumSamplesPerLeaf = 1
        let free = try #require(try GradientBoostedTreesModel.fit(FeatureMatrix(rowArrays: x), labels: y, options: options).model.trees.first)
        #expect(free.threshold[0] == 2.5)
    }

    @Test("leaf-wise growth splits the leaf that gains most next, up to the leaf limit")
    func leafWiseGrowth() throws {
        // Left half: a clean split at 2.5 (large gain). Right half: noisy, its best split gains less.
        let x: [[Double]] = (1...8).map { [Double($0)] }
        let y = [false, false, true, true, true, true, true, false]
        var options = oneSplitOptions(l2: 0)
        options.maximumLeafNodes = 3
        let tree = try #require(try GradientBoostedTreesModel.fit(FeatureMatrix(rowArrays: x), labels: y, options: options).model.trees.first)
        #expect(tree.leafCount == 3)
        let gains = tree.gain.filter { $0 > 0 }
        #expect(gains.count == 2)
        // Every internal node split on feature 0, and the two thresholds together isolate rows 1-2.
        #expect(Set(tree.threshold.enumerated().filter { tree.feature[$0.offset] >= 0 }.map(\.element)).contains(2.5))
    }

    @Test("depth-wise growth stops at the depth limit")
    func depthLimit() throws {
        let data = xorData(rows: 2_000, seed: 3)
        let options = GradientBoostingOptions(maximumIterations: 3, maximumLeafNodes: nil, maximumDepth: 2, validationFraction: nil)
        let fit = try GradientBoostedTreesModel.fit(data.features, labels: data.labels, options: options)
        for tree in fit.model.trees {
            #expect(tree.leafCount <= 4)
            #expect(depth(of: tree) <= 2)
        }
    }

    @Test("learns an interaction that a linear model cannot, scored on held-out rows")
    func learnsInteraction() throws {
        let train = xorData(rows: 6_000, seed: 1), test = xorData(rows: 2_000, seed: 2)
        let fit = try GradientBoostedTreesModel.fit(train.features, labels: train.labels)
        let auc = try #require(RankingMetrics.rocAUC(scores: fit.model.predictProbabilities(test.features), labels: test.labels))
        // The labels are 90% determined by the quadrant, so the best possible AUC is about 0.9;
        // a linear model scores 0.5 on XOR.
        #expect(auc > 0.85)
        let logistic = try LogisticRegressionModel.fit(train.features, labels: train.labels)
        let linearAUC = try #require(RankingMetrics.rocAUC(scores: logistic.model.predictProbabilities(test.features), labels: test.labels))
        #expect(linearAUC < 0.6)
    }

    @Test("early stopping ends boosting when validation loss stalls, by scikit-learn's rule")
    func earlyStoppingStops() throws {
        // Labels independent of the features: every tree after the first few overfits.
        var generator = Xoshiro256StarStar(seed: 9)
        let rows = 3_000
        let x = FeatureMatrix(rows: rows, columns: 3, values: (0..<(rows * 3)).map { _ in generator.nextOpenUnitInterval() })
        let y = (0..<rows).map { _ in generator.nextBernoulli(0.3) }
        let options = GradientBoostingOptions(maximumIterations: 500, validationFraction: 0.2, earlyStoppingRounds: 10)
        let fit = try GradientBoostedTreesModel.fit(x, labels: y, options: options)
        #expect(fit.stoppedEarly)
        #expect(fit.model.trees.count < 100)
        #expect(fit.validationLoss.count == fit.model.trees.count + 1)
        #expect(GradientBoostedTreesModel.shouldStop(fit.validationLoss, rounds: 10, tolerance: 1e-7))
        #expect(!GradientBoostedTreesModel.shouldStop(Array(fit.validationLoss.dropLast()), rounds: 10, tolerance: 1e-7))
        // Training loss keeps falling meanwhile: the stop came from the held-out rows.
        #expect(fit.finalTrainingLoss < fit.initialTrainingLoss)
        // A fifth of each class, rounded up per class.
        #expect((600...602).contains(fit.validationRows) && fit.trainingRows + fit.validationRows == rows)
    }

    @Test("the stopping rule compares the last rounds with the loss just before them")
    func stoppingRule() {
        #expect(!GradientBoostedTreesModel.shouldStop([1, 0.9, 0.8], rounds: 2, tolerance: 0))
        #expect(GradientBoostedTreesModel.shouldStop([1, 0.9, 0.95, 0.9], rounds: 2, tolerance: 0))
        #expect(!GradientBoostedTreesModel.shouldStop([1, 0.9, 0.95, 0.89], rounds: 2, tolerance: 0))
        #expect(GradientBoostedTreesModel.shouldStop([1, 0.9, 0.95, 0.89], rounds: 2, tolerance: 0.02))
    }

    @Test("the validation split holds out the same share of each class, reproducibly")
    func stratifiedSplit() {
        let labels = (0..<1_000).map { $0 % 4 == 0 }
        let first = GradientBoostedTreesModel.split(labels: labels, fraction: 0.1, seed: 5)
        #expect(first.validation.count == 100)
        #expect(first.validation.filter { labels[$0] }.count == 25)
        #expect(Set(first.train).isDisjoint(with: first.validation) && first.train.count == 900)
        #expect(GradientBoostedTreesModel.split(labels: labels, fraction: 0.1, seed: 5) == first)
        #expect(GradientBoostedTreesModel.split(labels: labels, fraction: 0.1, seed: 6).validation != first.validation)
    }

    @Test("bins: one per distinct value at midpoints, else quantiles; values map by the thresholds")
    func binning() {
        let few = FeatureBinning.thresholds(of: [3, 1, 2, 2, 3], maximumBins: 255)
        #expect(few == [1.5, 2.5])
        let many = FeatureBinning.thresholds(of: (0..<1_000).map(Double.init), maximumBins: 10)
        #expect(many.count == 9)
        #expect(many == many.sorted())
        #expect(abs(many[4] - 499.5) < 1e-9)
        let binning = FeatureBinning(thresholds: [[1.5, 2.5]])
        #expect([1.0, 1.5, 1.6, 2.5, 9].map { binning.bin(of: $0, feature: 0) } == [0, 0, 1, 1, 2])
    }

    @Test("parameters round-trip exactly and predict the same; malformed trees are refused")
    func parametersRoundTrip() throws {
        let data = xorData(rows: 1_000, seed: 4)
        let model = try GradientBoostedTreesModel.fit(data.features, labels: data.labels,
                                                      options: GradientBoostingOptions(maximumIterations: 5)).model
        let decoded = try GradientBoostedTreesModel(parameters: model.encodeParameters())
        #expect(decoded == model)
        #expect(decoded.predictProbabilities(data.features) == model.predictProbabilities(data.features))

        var broken = model.encodeParameters()
        let index = try #require(broken.tensors.firstIndex { $0.name == "node_left" })
        broken.tensors[index].values[0] = 0  // the root pointing at itself would loop forever
        #expect(throws: LearningError.self) { try GradientBoostedTreesModel(parameters: broken) }
    }

    @Test("large nodes done in halves on a second thread grow the same trees, to the bit, as on one thread")
    func halvesOnASecondThreadChangeNothing() throws {
        // 40,000 rows × 2 features: the root and its first children are past both the
        // histogram's (50,000 cells) and the partition's (16,384 rows) thresholds for halves.
        let data = xorData(rows: 40_000, seed: 7)
        let options = GradientBoostingOptions(maximumLeafNodes: 31, minimumSamplesPerLeaf: 20)
        let binning = FeatureBinning(fitting: data.features, maximumBins: 255)
        let bins = binning.binRows(data.features)
        var gradientsAndHessians: [Double] = []
        var generator = Xoshiro256StarStar(seed: 8)
        for label in data.labels {
            let p = generator.nextOpenUnitInterval()
            gradientsAndHessians += [p - (label ? 1 : 0), p * (1 - p)]
        }
        var alone = HistogramTreeGrower(bins: bins, rowCount: 40_000, binning: binning, options: options, worker: nil)
        var paired = HistogramTreeGrower(bins: bins, rowCount: 40_000, binning: binning, options: options, worker: PairedWorker())
        for _ in 0..<3 {
            let (aloneTree, aloneLeaves) = alone.grow(gradientsAndHessians: gradientsAndHessians)
            let (pairedTree, pairedLeaves) = paired.grow(gradientsAndHessians: gradientsAndHessians)
            #expect(aloneTree.leafCount == 31)
            #expect(pairedTree == aloneTree)
            #expect(pairedLeaves.map(\.rows) == aloneLeaves.map(\.rows) && pairedLeaves.map(\.value) == aloneLeaves.map(\.value))
            let sameRowOrder = paired.withRowOrder(Array.init) == alone.withRowOrder(Array.init)  // (40,000 rows: not printed)
            #expect(sameRowOrder)
        }
    }

    @Test("scoring rows in blocks over the cores gives each row its own probability, to the bit")
    func blockScoringMatchesRowScoring() throws {
        let data = xorData(rows: 10_000, seed: 9)
        let model = try GradientBoostedTreesModel.fit(data.features, labels: data.labels,
                                                      options: GradientBoostingOptions(maximumIterations: 20)).model
        let rows = (0..<data.features.rows).map { Array(data.features.values[($0 * 2)..<($0 * 2 + 2)]) }
        #expect(model.predictProbabilities(data.features) == rows.map(model.predictProbability))
    }

    @Test("rejects one class, non-finite features and settings out of range")
    func rejectsBadInput() {
        let x = FeatureMatrix(rowArrays: [[1], [2], [3]])
        #expect(throws: LearningError.self) { try GradientBoostedTreesModel.fit(x, labels: [true, true, true]) }
        #expect(throws: LearningError.self) {
            try GradientBoostedTreesModel.fit(FeatureMatrix(rowArrays: [[1], [.nan]]), labels: [true, false])
        }
        #expect(throws: LearningError.self) {
            try GradientBoostedTreesModel.fit(x, labels: [true, false, true], options: GradientBoostingOptions(maximumBins: 300))
        }
    }

    private func depth(of tree: RegressionTree, node: Int = 0) -> Int {
        tree.feature[node] < 0 ? 0 : 1 + max(depth(of: tree, node: tree.left[node]), depth(of: tree, node: tree.right[node]))
    }

    /// Two uniform features; the label is the XOR of their signs, flipped for 10% of rows.
    private func xorData(rows: Int, seed: UInt64) -> (features: FeatureMatrix, labels: [Bool]) {
        var generator = Xoshiro256StarStar(seed: seed)
        var values: [Double] = [], labels: [Bool] = []
        for _ in 0..<rows {
            let a = generator.nextOpenUnitInterval() * 2 - 1, b = generator.nextOpenUnitInterval() * 2 - 1
            values += [a, b]
            labels.append(((a > 0) != (b > 0)) != generator.nextBernoulli(0.1))
        }
        return (FeatureMatrix(rows: rows, columns: 2, values: values), labels)
    }
}
