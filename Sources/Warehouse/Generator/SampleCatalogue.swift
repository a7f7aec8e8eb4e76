/// The synthetic shop's products: stock codes, descriptions, prices, categories, design
/// collections, colour families, Zipf-like popularity, and the few non-product codes.
///
/// Products are stored column-wise. For each product the catalogue keeps its ready-to-write CSV
/// bytes `StockCode,Description,` (quoted where RFC 4180 needs it), so writing an order line copies
/// them instead of escaping text again.
final class SampleCatalogue {
    /// Products 0 ..< merchandiseCount are goods; the non-product codes follow.
    @exclusivity(unchecked) private(set) var merchandiseCount = 0
    /// Goods and non-product codes.
    var count: Int { csvStart.count }

    /// `StockCode,Description,` of every product, concatenated; the stock code is the first
    /// `codeLength` bytes of each entry.
    @exclusivity(unchecked) private(set) var csvBytes: [UInt8] = []
    @exclusivity(unchecked) private(set) var csvStart: [Int32] = []
    @exclusivity(unchecked) private(set) var csvLength: [Int32] = []
    @exclusivity(unchecked) private(set) var codeLength: [Int32] = []

    /// Unit price in thousandths of a pound.
    @exclusivity(unchecked) private(set) var priceMills: [Int32] = []
    @exclusivity(unchecked) private(set) var category: [UInt8] = []
    /// 0 good, 1 mixed, 2 poor: shapes review scores and returns.
    @exclusivity(unchecked) private(set) var quality: [UInt8] = []
    @exclusivity(unchecked) private(set) var family: [Int32] = []
    @exclusivity(unchecked) private(set) var collection: [Int32] = []

    @exclusivity(unchecked) private var familyMembers: [[Int32]] = []
    @exclusivity(unchecked) private var collectionMembers: [[Int32]] = []
    /// Goods of each category and the running sum of their popularity weights.
    @exclusivity(unchecked) private var categoryMembers: [[Int32]] = []
    @exclusivity(unchecked) private var categoryCumulative: [[Double]] = []

    // Non-product codes.
    @exclusivity(unchecked) private(set) var postage = 0
    @exclusivity(unchecked) private(set) var dotcomPostage = 0
    @exclusivity(unchecked) private(set) var manual = 0
    @exclusivity(unchecked) private(set) var bankCharges = 0
    @exclusivity(unchecked) private(set) var pads = 0

    /// The categories' names, in the order of `SampleVocabulary.categories`.
    static var categoryCount: Int { SampleVocabulary.categories.count }

    init(products: Int, seed: UInt64) {
        precondition(products >= 1, "products must be positive")
        var rng = SampleRandom(seed, .catalogue, UInt64(products))
        let categories = SampleVocabulary.categories
        var seen = Set<String>()
        var nextCode = 10_002
        categoryMembers = Array(repeating: [], count: categories.count)

        // Design collections: distinct (style, motif) pairs, each sold in a few categories.
        var pairs: [(Int, Int)] = []
        for style in SampleVocabulary.styles.indices {
            for motif in SampleVocabulary.motifs.indices { pairs.append((style, motif)) }
        }
        for index in stride(from: pairs.count - 1, to: 0, by: -1) {
            pairs.swapAt(index, rng.below(index + 1))
        }
        let collectionCount = min(pairs.count, max(8, products / 10))
        let categoryShares = SampleCatalogue.cumulative(categories.map(\.share))
        var collectionCategories: [[Int]] = []
        for _ in 0 ..< collectionCount {
            var chosen: [Int] = []
            let wanted = 1 + rng.below(3)
            for _ in 0 ..< 8 where chosen.count < wanted {
                let candidate = categoryShares.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
                if !chosen.contains(candidate) { chosen.append(candidate) }
            }
            collectionCategories.append(chosen)
        }
        collectionMembers = Array(repeating: [], count: collectionCount)

        var attempts = 0
        while priceMills.count < products {
            attempts += 1
            precondition(attempts < products * 50, "cannot name \(products) distinct products")
            let collectionIndex = rng.below(collectionCount)
            let (styleIndex, motifIndex) = pairs[collectionIndex]
            let homes = collectionCategories[collectionIndex]
            let categoryIndex = rng.chance(0.6) ? homes[0] : homes[rng.below(homes.count)]
            let (noun, tier) = categories[categoryIndex].nouns[rng.below(categories[categoryIndex].nouns.count)]
            let style = SampleVocabulary.styles[styleIndex]
            var design = style + " " + SampleVocabulary.motifs[motifIndex]
            if rng.chance(0.015) { design = "\"" + design + "\"" }
            let prefix = rng.chance(0.25) ? SampleVocabulary.prefixes[rng.below(SampleVocabulary.prefixes.count)] : ""
            let template = rng.uniform()
            let variantRoll = rng.uniform()
            let wantedVariants = variantRoll < 0.55 ? 1 : variantRoll < 0.70 ? 2 : variantRoll < 0.85 ? 3 : 4 + rng.below(3)
            var colours: [String?] = []
            if (wantedVariants == 1 && rng.chance(0.5)) || SampleVocabulary.colours.contains(style) {
                colours = [nil]
            } else {
                while colours.count < wantedVariants {
                    let colour = SampleVocabulary.colours[rng.below(SampleVocabulary.colours.count)]
                    if colour != style && !colours.contains(colour) { colours.append(colour) }
                }
            }
            let size = SampleVocabulary.sizes[rng.below(SampleVocabulary.sizes.count)]
            let pricePoints = SampleVocabulary.pricePoints[tier]
            let priceCumulative = SampleCatalogue.cumulative(pricePoints.map(\.weight))
            let basePence = pricePoints[priceCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }].pence
            let lettered = colours.count > 1 ? rng.chance(0.55) : rng.chance(0.1)
            let familyIndex = Int32(familyMembers.count)
            var members: [Int32] = []
            var letter = UInt8(ascii: "A")
            var base = nextCode
            if lettered { nextCode += 1 + rng.below(2) }

            for colour in colours where priceMills.count < products {
                let colourWord = colour.map { $0 + " " } ?? ""
                var name: String
                if template < 0.50 {
                    name = prefix + colourWord + design + " " + noun
                } else if template < 0.82 {
                    name = prefix + noun + " " + design + (colour.map { " " + $0 } ?? "")
                } else if template < 0.96 {
                    name = prefix + colourWord + noun + " " + design + " DESIGN"
                } else {
                    name = design + " " + noun + ", " + (colour ?? size)
                }
                guard name.utf8.count <= 120, seen.insert(name).inserted else { continue }
                if rng.chance(0.1) { name += " " }

                let code: String
                if lettered {
                    code = String(base) + String(UnicodeScalar(letter))
                    letter += 1
                } else {
                    base = nextCode
                    nextCode += 1 + rng.below(2)
                    code = String(base)
                }
                // Prices within a family differ now and then by a few pence.
                let pence = members.isEmpty || rng.chance(0.8) ? basePence : basePence + 10 * rng.int(in: -2 ... 3)
                let product = Int32(priceMills.count)
                append(code: code, description: name, priceMills: max(10, pence) * 10)
                category.append(UInt8(categoryIndex))
                let qualityRoll = rng.uniform()
                quality.append(qualityRoll < 0.8 ? 0 : qualityRoll < 0.95 ? 1 : 2)
                family.append(familyIndex)
                collection.append(Int32(collectionIndex))
                members.append(product)
                collectionMembers[collectionIndex].append(product)
                categoryMembers[categoryIndex].append(product)
            }
            if members.isEmpty { continue }  // every name was taken; a reserved code stays unused
            familyMembers.append(members)
        }
        precondition(nextCode <= 99_999, "stock codes overflow five digits")
        merchandiseCount = priceMills.count

        // Zipf-like popularity: weight 1 / (rank + c) over a random ranking. With c = n / 80 the
        // best seller takes about 0.5% of lines and the median product about 0.01%, as in the dump.
        var ranks = Array(0 ..< merchandiseCount)
        for index in stride(from: ranks.count - 1, to: 0, by: -1) {
            ranks.swapAt(index, rng.below(index + 1))
        }
        let offset = max(5.0, Double(merchandiseCount) / 80)
        categoryCumulative = categoryMembers.map { members in
            SampleCatalogue.cumulative(members.map { 1 / (Double(ranks[Int($0)]) + offset) })
        }

        func special(_ code: String, _ description: String, pence: Int) -> Int {
            append(code: code, description: description, priceMills: pence * 10)
            category.append(UInt8.max)
            quality.append(0)
            family.append(-1)
            collection.append(-1)
            return priceMills.count - 1
        }
        postage = special("POST", "POSTAGE", pence: 1_800)
        dotcomPostage = special("DOT", "DOTCOM POSTAGE", pence: 0)
        manual = special("M", "Manual", pence: 0)
        bankCharges = special("BANK CHARGES", "Bank Charges", pence: 1_500)
        append(code: "PADS", description: "PADS TO MATCH ALL CUSHIONS", priceMills: 1)
        category.append(UInt8.max)
        quality.append(0)
        family.append(-1)
        collection.append(-1)
        pads = priceMills.count - 1
    }

    private func append(code: String, description: String, priceMills price: Int) {
        let codeBytes = Array(code.utf8)
        var entry = codeBytes
        entry.append(UInt8(ascii: ","))
        SampleCatalogue.appendCSVField(description, to: &entry)
        entry.append(UInt8(ascii: ","))
        precondition(entry.count <= 512, "catalogue entry too long")
        csvStart.append(Int32(csvBytes.count))
        csvLength.append(Int32(entry.count))
        codeLength.append(Int32(codeBytes.count))
        csvBytes.append(contentsOf: entry)
        priceMills.append(Int32(price))
    }

    /// Appends `text` as one RFC 4180 field: quoted only when it holds a comma, a double quote
    /// or a line break, with inner double quotes doubled.
    static func appendCSVField(_ text: String, to bytes: inout [UInt8]) {
        let utf8 = Array(text.utf8)
        let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            bytes.append(contentsOf: utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    static func cumulative(_ weights: [Double]) -> [Double] {
        var sums = [0.0]
        sums.reserveCapacity(weights.count + 1)
        var running = 0.0
        for weight in weights {
            running += weight
            sums.append(running)
        }
        return sums
    }

    // MARK: Sampling

    /// Whether a category has any goods (small catalogues may leave one empty).
    @inline(__always)
    func isStocked(category index: Int) -> Bool { !categoryMembers[index].isEmpty }

    /// A product of the category, by popularity.
    @inline(__always)
    func sample(category index: Int, _ rng: inout SampleRandom) -> Int {
        let position = categoryCumulative[index].withUnsafeBufferPointer { rng.pick(cumulative: $0) }
        return Int(categoryMembers[index][position])
    }

    /// A product bought together with `product`: another colour of its family or another piece
    /// of its design collection; `nil` when it has neither.
    @inline(__always)
    func companion(of product: Int, _ rng: inout SampleRandom) -> Int? {
        guard product < merchandiseCount else { return nil }
        let relatives = familyMembers[Int(family[product])]
        if relatives.count > 1 && rng.chance(0.5) {
            let pick = Int(relatives[rng.below(relatives.count)])
            if pick != product { return pick }
        }
        let pieces = collectionMembers[Int(collection[product])]
        guard pieces.count > 1 else { return nil }
        let pick = Int(pieces[rng.below(pieces.count)])
        return pick == product ? nil : pick
    }
}
