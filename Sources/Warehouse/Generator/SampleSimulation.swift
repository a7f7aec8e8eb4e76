import Foundation

/// One run of the generator: a discrete-event simulation of the shop in wall-clock order.
///
/// Customers arrive in sign-up order (that order gives their ids); each pending happening (a
/// customer's next purchase, a return, a review, a browsing session, a guest's order) waits in a
/// min-heap keyed by its time, so orders.csv comes out in time order with increasing invoice
/// numbers while memory holds only the heap, never the output. Everything about an order is drawn
/// from a random stream keyed by (customer, purchase number), so a return or a review can rebuild
/// the order it refers to instead of storing it.
final class SampleSimulation {
    struct Counts {
        var users = 0
        var orders = 0
        var orderLines = 0
        var returnOrders = 0
        var guestOrders = 0
        var events = 0
        var products = 0
    }

    /// A customer's lasting traits, drawn from her own stream whenever needed.
    struct Profile {
        var country: Int
        /// Purchases per effective day while active (Gamma across customers).
        var rate: Double
        /// Probability of dropping out after each purchase (Beta across customers).
        var dropout: Double
        /// Mean number of extra lines per order.
        var basket: Double
        var primary: Int
        var secondary: Int
        var device: Int
        var favourites: (Int, Int, Int, Int)
    }

    struct Line {
        var product: Int
        var quantity: Int
        var priceMills: Int
    }

    enum Kind: UInt8 {
        case purchase = 0
        case guestOrder = 1
        case returnOrder = 2
        case review = 3
        case browse = 4
        case anonymousBrowse = 5
    }

    struct Pending {
        /// Wall-clock seconds.
        var time: Int64
        /// Effective time (trade days since the period began).
        var effective: Double
        /// Wall-clock time of the purchase a return or review refers to.
        var reference: Int64
        var user: UInt32
        /// Purchase number for purchases, returns, reviews and browsing; sequence number for
        /// guest orders and anonymous browsing.
        var index: UInt32
        var kind: Kind

        @inline(__always)
        static func precedes(_ a: Pending, _ b: Pending) -> Bool {
            if a.time != b.time { return a.time < b.time }
            if a.kind != b.kind { return a.kind.rawValue < b.kind.rawValue }
            if a.user != b.user { return a.user < b.user }
            return a.index < b.index
        }
    }

    // MARK: Model parameters (see docs/GENERATOR.md)

    /// Gamma shape and scale of the purchase rate (per effective day): mean one purchase every
    /// ~33 days, very unequal across customers.
    static let rateShape = 0.9
    static let rateScale = 0.037
    static let maximumRate = 0.5
    /// Beta parameters of the drop-out probability after each purchase (mean 0.17).
    static let dropoutA = 1.0
    static let dropoutB = 4.8
    /// Gamma shape and scale of a customer's mean extra lines per order.
    static let basketShape = 2.0
    static let basketScale = 2.4
    static let maximumLines = 200
    /// New customers: share who buy in the sign-up session, and who buy later.
    static let buyAtSignUp = 0.65
    static let buyLater = 0.30
    /// Existing customers who do not come back during the period.
    static let dormantExisting = 0.1
    /// Days of history over which existing customers signed up.
    static let historyDays = 730
    /// Per purchase: review, follow-up browsing, and anonymous browsing probabilities.
    static let reviewProbability = 0.10
    static let browseProbability = 0.15
    static let anonymousBrowseProbability = 0.08
    /// Per bought line: probability that its product was viewed in the purchase session.
    static let viewProbability = 0.18
    static let firstInvoice = 100_000

    /// Quantities and their weights (the dump's most common quantities, plus a wholesale tail).
    static let quantities: [(value: Int, weight: Double)] = [
        (1, 148), (2, 82), (12, 61), (6, 41), (4, 38), (3, 37), (24, 24), (10, 22), (8, 13), (5, 12),
        (48, 6), (25, 5), (20, 5), (16, 4.3), (36, 3.8), (7, 2.9), (9, 2), (72, 1.9), (100, 1.8),
        (96, 1.8), (18, 1.8), (30, 1.2), (40, 1.1), (32, 1), (144, 1), (11, 1), (50, 0.9), (15, 0.8),
        (120, 0.5), (200, 0.4), (288, 0.3), (480, 0.15), (600, 0.1), (960, 0.05), (1_200, 0.03),
        (2_400, 0.01),
    ]
    /// Review scores 1-5 by product quality (good, mixed, poor).
    static let scoreWeights: [[Double]] = [
        [0.02, 0.03, 0.07, 0.30, 0.58],
        [0.10, 0.10, 0.20, 0.30, 0.30],
        [0.30, 0.25, 0.20, 0.15, 0.10],
    ]

    // MARK: State

    let configuration: SampleGenerator.Configuration
    let seed: UInt64
    let calendar: SampleCalendar
    let catalogue: SampleCatalogue
    private let orders: SampleByteSink
    private let users: SampleByteSink
    private let events: SampleByteSink

    private let countryNames: [[UInt8]]
    private let countryCumulative: [Double]
    private let guestCountryNames: [[UInt8]]
    private let guestCountryCumulative: [Double]
    private let postageMills: [Int]
    private let deviceNames: [[UInt8]]
    private let deviceCumulative: [Double]
    private let categoryCumulative: [Double]
    private let categoryShare: [Double]
    private let quantityValues: [Int]
    private let quantityCumulative: [Double]
    private let scoreCumulative: [[Double]]
    private let guestsPerPurchase: Double
    private let returnProbability: Double
    private let existingUsers: Int

    // Mutable state, single-threaded: unchecked exclusivity (see SampleByteSink).
    @exclusivity(unchecked) private var heap: [Pending] = []
    @exclusivity(unchecked) private var lines: [Line] = []
    @exclusivity(unchecked) private var scratchCumulative: [Double]
    @exclusivity(unchecked) private var viewed: [Int] = []
    @exclusivity(unchecked) private var carted: [Int] = []
    @exclusivity(unchecked) private var used: [Bool]
    @exclusivity(unchecked) private var nextInvoice = SampleSimulation.firstInvoice
    @exclusivity(unchecked) private var nextEvent = 1
    @exclusivity(unchecked) private var nextSession = 1
    @exclusivity(unchecked) private var nextGuest: UInt32 = 0
    @exclusivity(unchecked) private var nextAnonymous: UInt32 = 0
    @exclusivity(unchecked) private var counts = Counts()

    init(configuration: SampleGenerator.Configuration, orders: URL, users: URL, events: URL) throws {
        self.configuration = configuration
        self.seed = configuration.seed
        self.calendar = SampleCalendar(
            start: configuration.startDate, months: configuration.months, timeZone: configuration.timeZone,
            historyDays: SampleSimulation.historyDays
        )
        self.catalogue = SampleCatalogue(products: configuration.productCount, seed: configuration.seed)
        self.orders = try SampleByteSink(url: orders)
        self.users = try SampleByteSink(url: users)
        self.events = try SampleByteSink(url: events)

        let countries = SampleVocabulary.countries
        countryNames = countries.map { Array($0.name.utf8) }
        countryCumulative = SampleCatalogue.cumulative(countries.map(\.weight))
        postageMills = countries.map { SampleVocabulary.postagePence(country: $0.name) * 10 }
        guestCountryNames = SampleVocabulary.guestCountries.map { Array($0.name.utf8) }
        guestCountryCumulative = SampleCatalogue.cumulative(SampleVocabulary.guestCountries.map(\.weight))
        deviceNames = SampleVocabulary.devices.map { Array($0.name.utf8) }
        deviceCumulative = SampleCatalogue.cumulative(SampleVocabulary.devices.map(\.weight))
        let categories = SampleVocabulary.categories
        let catalogue = self.catalogue
        let shares = categories.indices.map { catalogue.isStocked(category: $0) ? categories[$0].share : 0 }
        let shareTotal = shares.reduce(0, +)
        categoryShare = shares.map { $0 / shareTotal }
        categoryCumulative = SampleCatalogue.cumulative(shares)
        quantityValues = SampleSimulation.quantities.map(\.value)
        quantityCumulative = SampleCatalogue.cumulative(SampleSimulation.quantities.map(\.weight))
        scoreCumulative = SampleSimulation.scoreWeights.map(SampleCatalogue.cumulative)
        let purchaseShare = 1 - configuration.guestShare - configuration.returnRate
        guestsPerPurchase = configuration.guestShare / purchaseShare
        returnProbability = configuration.returnRate / purchaseShare
        existingUsers = Int((Double(configuration.users) * configuration.existingCustomerShare).rounded())
        scratchCumulative = Array(repeating: 0, count: categories.count + 1)
        used = Array(repeating: false, count: catalogue.count)
        lines.reserveCapacity(SampleSimulation.maximumLines + 8)
    }

    // MARK: Run

    func run() throws -> Counts {
        try writeHeaders()
        let total = configuration.users
        let existing = existingUsers
        var existingSignUps = SampleSortedUniforms(count: existing, seed: sampleStreamSeed(seed, .existingUsers))
        var newSignUps = SampleSortedUniforms(count: total - existing, seed: sampleStreamSeed(seed, .newUsers))
        var nextUser = 0

        // The customers who signed up before the period come first, in sign-up order.
        while let share = existingSignUps.next() {
            let days = Double(SampleSimulation.historyDays) * share
            let day = Int(days)
            let minute = 360 + Int((days - Double(day)) * 1_020)  // 06:00 to 22:59
            let signUp = calendar.periodStart - Int64(SampleSimulation.historyDays - day) * 86_400 + Int64(minute * 60)
            try arriveExisting(user: nextUser, signUp: signUp)
            nextUser += 1
        }

        var arrival = newSignUps.next().map { calendar.arrival(share: $0) }
        while true {
            if let next = arrival, heap.isEmpty || next.wallClock <= heap[0].time {
                try arriveNew(user: nextUser, signUp: next.wallClock, effective: next.effective)
                nextUser += 1
                arrival = newSignUps.next().map { calendar.arrival(share: $0) }
                continue
            }
            guard let item = popHeap() else { break }
            switch item.kind {
            case .purchase: try purchase(item)
            case .guestOrder: try guestOrder(item)
            case .returnOrder: try returnOrder(item)
            case .review: try review(item)
            case .browse: try browse(item, anonymous: false)
            case .anonymousBrowse: try browse(item, anonymous: true)
            }
        }

        try orders.close()
        try users.close()
        try events.close()
        counts.users = users.rows - 1
        counts.orderLines = orders.rows - 1
        counts.events = events.rows - 1
        counts.products = used.reduce(0) { $0 + ($1 ? 1 : 0) }
        return counts
    }

    private func writeHeaders() throws {
        for (sink, header) in [
            (orders, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"),
            (users, "user_id,signed_up_at,country"),
            (events, "event_id,user_id,occurred_at,type,product_id,value,properties"),
        ] {
            try sink.reserve()
            sink.append(Array(header.utf8))
            sink.endRow()
        }
    }

    // MARK: Heap

    private func schedule(_ item: Pending) {
        heap.append(item)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) >> 1
            guard Pending.precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func popHeap() -> Pending? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            let count = heap.count
            while true {
                let left = 2 * parent + 1
                guard left < count else { break }
                var smallest = left
                let right = left + 1
                if right < count && Pending.precedes(heap[right], heap[left]) { smallest = right }
                guard Pending.precedes(heap[smallest], heap[parent]) else { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }

    /// Schedules a happening at an effective time, if it falls inside the period, never before `now`.
    @inline(__always)
    private func schedule(_ kind: Kind, user: Int, index: UInt32, effective: Double, now: Int64, reference: Int64 = 0) {
        guard effective < calendar.effectiveLength else { return }
        let time = max(calendar.wallClock(effective: effective), now)
        schedule(Pending(time: time, effective: effective, reference: reference, user: UInt32(user), index: index, kind: kind))
    }

    // MARK: Customers

    func profile(user: Int) -> Profile {
        var rng = SampleRandom(seed, .user, UInt64(user))
        let country = countryCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
        let rate = min(SampleSimulation.maximumRate, rng.gamma(shape: SampleSimulation.rateShape, scale: SampleSimulation.rateScale))
        let dropout = rng.beta(SampleSimulation.dropoutA, SampleSimulation.dropoutB)
        let basket = rng.gamma(shape: SampleSimulation.basketShape, scale: SampleSimulation.basketScale)
        let primary = categoryCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
        let secondary = categoryCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
        let device = deviceCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
        let favourites = (
            catalogue.sample(category: primary, &rng), catalogue.sample(category: primary, &rng),
            catalogue.sample(category: primary, &rng), catalogue.sample(category: secondary, &rng)
        )
        return Profile(
            country: country, rate: max(rate, 1e-6), dropout: dropout, basket: basket, primary: primary,
            secondary: secondary, device: device, favourites: favourites
        )
    }

    private func writeUser(_ user: Int, signUp: Int64, country: Int) throws {
        try users.reserve()
        users.appendInt(10_000 + user)
        users.append(0x2C)
        users.appendISO8601(calendar.utc(fromWallClock: signUp))
        users.append(0x2C)
        users.append(countryNames[country])
        users.endRow()
    }

    private func arriveExisting(user: Int, signUp: Int64) throws {
        let profile = profile(user: user)
        try writeUser(user, signUp: signUp, country: profile.country)
        var rng = SampleRandom(seed, .arrival, UInt64(user))
        guard !rng.chance(SampleSimulation.dormantExisting) else { return }
        let first = rng.exponential(mean: 1 / profile.rate)
        schedule(.purchase, user: user, index: 0, effective: first, now: calendar.periodStart)
    }

    private func arriveNew(user: Int, signUp: Int64, effective: Double) throws {
        let profile = profile(user: user)
        try writeUser(user, signUp: signUp, country: profile.country)
        var rng = SampleRandom(seed, .arrival, UInt64(user))
        let roll = rng.uniform()
        let delay = Int64(60 * rng.int(in: 1 ... 30))
        let later = effective + rng.exponential(mean: 7)
        if roll < SampleSimulation.buyAtSignUp {
            let time = signUp + delay
            if SampleCalendar.floorDivide(time, 86_400) == SampleCalendar.floorDivide(signUp, 86_400)
                && time.floorMod(86_400) < 21 * 3_600 {
                schedule(Pending(time: time, effective: effective, reference: 0, user: UInt32(user), index: 0, kind: .purchase))
                return
            }
            schedule(.purchase, user: user, index: 0, effective: later, now: signUp)
        } else if roll < SampleSimulation.buyAtSignUp + SampleSimulation.buyLater {
            schedule(.purchase, user: user, index: 0, effective: later, now: signUp)
        } else if configuration.includeEvents {
            // Signed up, never bought: one browsing session.
            schedule(Pending(time: signUp, effective: effective, reference: 0, user: UInt32(user), index: UInt32.max, kind: .browse))
        }
    }

    // MARK: Orders

    /// Category weights for one order: a quarter spread by catalogue share, half on the customer's
    /// primary category and a quarter on her secondary one, each times the month's seasonality.
    private func fillCategoryWeights(primary: Int, secondary: Int, month: Int) {
        let categories = SampleVocabulary.categories
        scratchCumulative[0] = 0
        for index in categories.indices {
            var weight = 0.25 * categoryShare[index]
            if categoryShare[index] > 0 {
                if index == primary { weight += 0.5 }
                if index == secondary { weight += 0.25 }
            }
            scratchCumulative[index + 1] = scratchCumulative[index] + weight * categories[index].season[month - 1]
        }
    }

    @inline(__always)
    private func pickCategory(_ rng: inout SampleRandom) -> Int {
        scratchCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
    }

    /// Draws an order's lines into `lines`. Deterministic in `rng`, so an order can be rebuilt.
    private func composeOrder(_ profile: Profile, month: Int, guest: Bool, _ rng: inout SampleRandom) {
        lines.removeAll(keepingCapacity: true)
        let count = min(SampleSimulation.maximumLines, 1 + rng.poisson(mean: profile.basket))
        fillCategoryWeights(primary: profile.primary, secondary: profile.secondary, month: month)
        let main = pickCategory(&rng)
        var last = -1
        var goodsMills = 0
        for _ in 0 ..< count {
            var product = 0
            for _ in 0 ..< 3 {
                // 30% a companion of the previous line (the main category for a first line),
                // 12% a favourite (customers only), 38% the main category, 20% any category.
                let roll = rng.uniform()
                if roll < 0.3 {
                    if last >= 0, let companion = catalogue.companion(of: last, &rng) {
                        product = companion
                    } else {
                        product = catalogue.sample(category: main, &rng)
                    }
                } else if !guest && roll < 0.42 {
                    switch rng.below(4) {
                    case 0: product = profile.favourites.0
                    case 1: product = profile.favourites.1
                    case 2: product = profile.favourites.2
                    default: product = profile.favourites.3
                    }
                } else if roll < 0.8 {
                    product = catalogue.sample(category: main, &rng)
                } else {
                    product = catalogue.sample(category: pickCategory(&rng), &rng)
                }
                if !lines.contains(where: { $0.product == product }) { break }
            }
            var quantity = quantityValues[quantityCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }]
            var price = Int(catalogue.priceMills[product])
            if price < 1_000 && quantity < 12 && rng.chance(0.4) { quantity = rng.chance(0.6) ? 12 : 24 }
            if guest {
                price = (price / 10 * 195 + 50) / 100 * 10  // retail price for guests
            } else if quantity >= 48 && rng.chance(0.5) {
                price = max(10, (price / 10 * 85 + 50) / 100 * 10)  // bulk price
            }
            lines.append(Line(product: product, quantity: quantity, priceMills: price))
            goodsMills += quantity * price
            last = product
        }
        // Non-product codes.
        if !guest && profile.country != 0 && rng.chance(0.35) {
            let parcels = rng.chance(0.75) ? 1 : rng.int(in: 2 ... 3)
            lines.append(Line(product: catalogue.postage, quantity: parcels, priceMills: postageMills[profile.country]))
        }
        if guest && rng.chance(0.2) {
            let pence = max(100, goodsMills / 10 * rng.int(in: 4 ... 12) / 100)
            lines.append(Line(product: catalogue.dotcomPostage, quantity: 1, priceMills: pence * 10))
        }
        if rng.chance(0.004) {
            let pence = [85, 125, 165, 255, 295, 495, 1_895][rng.below(7)]
            let position = rng.below(lines.count + 1)
            lines.insert(Line(product: catalogue.manual, quantity: rng.int(in: 1 ... 2), priceMills: pence * 10), at: position)
        }
        if rng.chance(0.0015) {
            lines.append(Line(product: catalogue.bankCharges, quantity: 1, priceMills: 15_000))
        }
        if rng.chance(0.0005) {
            lines.append(Line(product: catalogue.pads, quantity: 1, priceMills: 1))
        }
    }

    /// Writes `lines` (or, for a return, the lines at `selection` with negative quantities).
    private func writeOrder(invoice: Int, isReturn: Bool, time: Int64, customer: Int?, country: [UInt8], returned: [(line: Int, quantity: Int)] = []) throws {
        let rows = isReturn ? returned.count : lines.count
        for row in 0 ..< rows {
            let line = isReturn ? lines[returned[row].line] : lines[row]
            let quantity = isReturn ? -returned[row].quantity : line.quantity
            try orders.reserve()
            if isReturn { orders.append(0x43) }  // C
            orders.appendUnsigned(UInt64(invoice), minimumDigits: 6)
            orders.append(0x2C)
            let start = Int(catalogue.csvStart[line.product])
            let length = Int(catalogue.csvLength[line.product])
            catalogue.csvBytes.withUnsafeBufferPointer { orders.append($0, start: start, length: length) }
            orders.appendInt(quantity)
            orders.append(0x2C)
            orders.appendWallClock(time)
            orders.append(0x2C)
            orders.appendShortMoney(mills: line.priceMills)
            orders.append(0x2C)
            if let customer { orders.appendInt(10_000 + customer) }
            orders.append(0x2C)
            orders.append(country)
            orders.endRow()
            used[line.product] = true
        }
        counts.orders += 1
    }

    private func purchase(_ item: Pending) throws {
        let user = Int(item.user)
        let k = item.index
        let profile = profile(user: user)
        var rng = SampleRandom(seed, .order, UInt64(user), UInt64(k))
        composeOrder(profile, month: calendar.month(ofWallClock: item.time), guest: false, &rng)
        let invoice = nextInvoice
        nextInvoice += 1
        try writeOrder(invoice: invoice, isReturn: false, time: item.time, customer: user, country: countryNames[profile.country])
        if configuration.includeEvents {
            var session = SampleRandom(seed, .session, UInt64(user), UInt64(k))
            try writePurchaseSession(user: user, device: profile.device, time: item.time, invoice: invoice, &session)
        }

        // What follows this purchase. Every draw is made whether or not events are written, so
        // turning events off leaves the orders unchanged.
        var next = SampleRandom(seed, .followUp, UInt64(user), UInt64(k))
        let effective = item.effective
        var guests = Int(guestsPerPurchase)
        if next.chance(guestsPerPurchase - Double(guests)) { guests += 1 }
        for _ in 0 ..< guests {
            let at = effective + next.exponential(mean: 2)
            if at < calendar.effectiveLength {
                schedule(.guestOrder, user: 0, index: nextGuest, effective: at, now: item.time)
                nextGuest &+= 1
            }
        }
        if next.chance(returnProbability) {
            schedule(.returnOrder, user: user, index: k, effective: effective + 1 + next.exponential(mean: 10), now: item.time, reference: item.time)
        }
        let reviews = next.chance(SampleSimulation.reviewProbability)
        let reviewAt = effective + 2 + next.exponential(mean: 8)
        let browses = next.chance(SampleSimulation.browseProbability)
        let browseAt = effective + next.exponential(mean: min(30, 0.5 / profile.rate))
        let anonymous = next.chance(SampleSimulation.anonymousBrowseProbability)
        let anonymousAt = effective + next.exponential(mean: 3)
        if configuration.includeEvents {
            if reviews { schedule(.review, user: user, index: k, effective: reviewAt, now: item.time, reference: item.time) }
            if browses { schedule(.browse, user: user, index: k, effective: browseAt, now: item.time) }
            if anonymous && anonymousAt < calendar.effectiveLength {
                schedule(.anonymousBrowse, user: 0, index: nextAnonymous, effective: anonymousAt, now: item.time)
                nextAnonymous &+= 1
            }
        }
        if !next.chance(profile.dropout) && k < UInt32.max - 1 {
            schedule(.purchase, user: user, index: k + 1, effective: effective + next.exponential(mean: 1 / profile.rate), now: item.time)
        }
    }

    private func guestOrder(_ item: Pending) throws {
        var rng = SampleRandom(seed, .guest, UInt64(item.index))
        let country = guestCountryCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
        let primary = categoryCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
        let secondary = categoryCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
        let device = deviceCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
        let basket = rng.gamma(shape: SampleSimulation.basketShape, scale: SampleSimulation.basketScale)
        let profile = Profile(
            country: 0, rate: 1, dropout: 1, basket: basket, primary: primary, secondary: secondary,
            device: device, favourites: (0, 0, 0, 0)
        )
        composeOrder(profile, month: calendar.month(ofWallClock: item.time), guest: true, &rng)
        let invoice = nextInvoice
        nextInvoice += 1
        try writeOrder(invoice: invoice, isReturn: false, time: item.time, customer: nil, country: guestCountryNames[country])
        counts.guestOrders += 1
        if configuration.includeEvents {
            var session = SampleRandom(seed, .session, 1 << 40 | UInt64(item.index), 0)
            try writePurchaseSession(user: nil, device: device, time: item.time, invoice: invoice, &session)
        }
    }

    /// Rebuilds purchase `k` of `user` (placed at wall-clock `reference`) into `lines`.
    private func rebuildPurchase(user: Int, k: UInt32, reference: Int64) -> Profile {
        let profile = profile(user: user)
        var rng = SampleRandom(seed, .order, UInt64(user), UInt64(k))
        composeOrder(profile, month: calendar.month(ofWallClock: reference), guest: false, &rng)
        return profile
    }

    private func returnOrder(_ item: Pending) throws {
        let user = Int(item.user)
        let profile = rebuildPurchase(user: user, k: item.index, reference: item.reference)
        var rng = SampleRandom(seed, .returns, UInt64(user), UInt64(item.index))
        var returned: [(line: Int, quantity: Int)] = []
        let everything = rng.chance(0.15)
        for (index, line) in lines.enumerated() where line.product < catalogue.merchandiseCount {
            let probability = everything ? 1.0 : [0.15, 0.35, 0.7][Int(catalogue.quality[line.product])]
            if rng.chance(probability) {
                let quantity = rng.chance(0.6) ? line.quantity : rng.int(in: 1 ... line.quantity)
                returned.append((index, quantity))
            }
        }
        if returned.isEmpty {
            let merchandise = lines.indices.filter { lines[$0].product < catalogue.merchandiseCount }
            guard let index = merchandise.isEmpty ? nil : merchandise[rng.below(merchandise.count)] else { return }
            returned.append((index, rng.chance(0.6) ? lines[index].quantity : rng.int(in: 1 ... lines[index].quantity)))
        }
        let invoice = nextInvoice
        nextInvoice += 1
        try writeOrder(invoice: invoice, isReturn: true, time: item.time, customer: user, country: countryNames[profile.country], returned: returned)
        counts.returnOrders += 1
    }

    // MARK: Events

    private static let viewType = Array("view".utf8)
    private static let cartType = Array("add_to_cart".utf8)
    private static let purchaseType = Array("purchase".utf8)
    private static let reviewType = Array("review".utf8)

    private enum EventValue {
        case none
        case money(Int)
        case score(Int)
    }

    /// Writes one event row. `time` is wall-clock; the file gets UTC.
    private func writeEvent(user: Int?, time: Int64, type: [UInt8], product: Int, value: EventValue, session: Int, device: Int, invoice: Int? = nil) throws {
        try events.reserve()
        events.append(0x65)  // e
        events.appendUnsigned(UInt64(nextEvent), minimumDigits: 7)
        nextEvent += 1
        events.append(0x2C)
        if let user { events.appendInt(10_000 + user) }
        events.append(0x2C)
        events.appendISO8601(calendar.utc(fromWallClock: time))
        events.append(0x2C)
        events.append(type)
        events.append(0x2C)
        let start = Int(catalogue.csvStart[product])
        let length = Int(catalogue.codeLength[product])
        catalogue.csvBytes.withUnsafeBufferPointer { events.append($0, start: start, length: length) }
        events.append(0x2C)
        switch value {
        case .none: break
        case .money(let mills): events.appendMoney(mills: mills)
        case .score(let score): events.appendInt(score)
        }
        // ,"{""session"":""s12"",""device"":""mobile""}"
        events.append(SampleSimulation.propertiesOpen)
        events.appendUnsigned(UInt64(session), minimumDigits: 1)
        events.append(SampleSimulation.propertiesDevice)
        events.append(deviceNames[device])
        events.append(SampleSimulation.quoteQuote)
        if let invoice {
            events.append(SampleSimulation.propertiesInvoice)
            events.appendUnsigned(UInt64(invoice), minimumDigits: 6)
            events.append(SampleSimulation.quoteQuote)
        }
        if case .score(let score) = value {
            events.append(SampleSimulation.propertiesScore)
            events.appendInt(score)
        }
        events.append(SampleSimulation.propertiesClose)
        events.endRow()
        used[product] = true
    }

    private static let propertiesOpen = Array(",\"{\"\"session\"\":\"\"s".utf8)
    private static let propertiesDevice = Array("\"\",\"\"device\"\":\"\"".utf8)
    private static let propertiesInvoice = Array(",\"\"invoice\"\":\"\"".utf8)
    private static let propertiesScore = Array(",\"\"score\"\":".utf8)
    private static let quoteQuote = Array("\"\"".utf8)
    private static let propertiesClose = Array("}\"".utf8)

    @inline(__always)
    private func sessionDevice(_ preferred: Int, _ rng: inout SampleRandom) -> Int {
        rng.chance(0.8) ? preferred : deviceCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
    }

    /// The session that ends with the purchase of the order in `lines`: views of some bought
    /// products (and maybe one not bought), then add-to-carts, then the purchase event at the
    /// order's time carrying its value and invoice.
    private func writePurchaseSession(user: Int?, device preferred: Int, time: Int64, invoice: Int, _ rng: inout SampleRandom) throws {
        let device = sessionDevice(preferred, &rng)
        let session = nextSession
        nextSession += 1
        viewed.removeAll(keepingCapacity: true)
        carted.removeAll(keepingCapacity: true)
        var total = 0
        var firstGoods = -1
        for line in lines {
            total += line.quantity * line.priceMills
            guard line.product < catalogue.merchandiseCount else { continue }
            if firstGoods < 0 { firstGoods = line.product }
            if rng.chance(SampleSimulation.viewProbability) && !viewed.contains(line.product) {
                viewed.append(line.product)
                if rng.chance(0.6) { carted.append(line.product) }
            }
        }
        guard firstGoods >= 0 else { return }
        if viewed.isEmpty {
            viewed.append(firstGoods)
            carted.append(firstGoods)
        }
        if rng.chance(0.3) {
            let category = Int(catalogue.category[firstGoods])
            let other = catalogue.sample(category: category, &rng)
            if !lines.contains(where: { $0.product == other }) && !viewed.contains(other) {
                viewed.append(other)
                if rng.chance(0.3) { carted.append(other) }
            }
        }
        let duration = Int64(120 + rng.below(40 * 60))
        let steps = Int64(viewed.count + carted.count + 1)
        let step = duration / steps
        var at = time - duration
        for product in viewed {
            at += step
            try writeEvent(user: user, time: at + Int64(rng.below(Int(step / 2) + 1)), type: SampleSimulation.viewType, product: product, value: .none, session: session, device: device)
        }
        for product in carted {
            at += step
            try writeEvent(user: user, time: at + Int64(rng.below(Int(step / 2) + 1)), type: SampleSimulation.cartType, product: product, value: .none, session: session, device: device)
        }
        try writeEvent(user: user, time: time, type: SampleSimulation.purchaseType, product: firstGoods, value: .money(total), session: session, device: device, invoice: invoice)
    }

    private func review(_ item: Pending) throws {
        let user = Int(item.user)
        let profile = rebuildPurchase(user: user, k: item.index, reference: item.reference)
        var rng = SampleRandom(seed, .review, UInt64(user), UInt64(item.index))
        let goods = lines.filter { $0.product < catalogue.merchandiseCount }
        guard !goods.isEmpty else { return }
        let product = goods[rng.below(goods.count)].product
        let scores = scoreCumulative[Int(catalogue.quality[product])]
        let score = 1 + scores.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
        let device = sessionDevice(profile.device, &rng)
        let session = nextSession
        nextSession += 1
        try writeEvent(user: user, time: item.time + Int64(rng.below(60)), type: SampleSimulation.reviewType, product: product, value: .score(score), session: session, device: device)
    }

    /// A session that views a few products and perhaps puts one in the cart, without buying.
    private func browse(_ item: Pending, anonymous: Bool) throws {
        var rng: SampleRandom
        var user: Int?
        var primary: Int
        var secondary: Int
        var preferred: Int
        var favourite = -1
        if anonymous {
            rng = SampleRandom(seed, .anonymousBrowse, UInt64(item.index))
            primary = categoryCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
            secondary = primary
            preferred = deviceCumulative.withUnsafeBufferPointer { rng.pick(cumulative: $0) }
        } else {
            user = Int(item.user)
            let profile = profile(user: Int(item.user))
            rng = SampleRandom(seed, .browse, UInt64(item.user), UInt64(item.index))
            primary = profile.primary
            secondary = profile.secondary
            preferred = profile.device
            favourite = profile.favourites.0
        }
        let device = sessionDevice(preferred, &rng)
        let session = nextSession
        nextSession += 1
        fillCategoryWeights(primary: primary, secondary: secondary, month: calendar.month(ofWallClock: item.time))
        viewed.removeAll(keepingCapacity: true)
        let count = 1 + rng.below(4)
        var last = -1
        for _ in 0 ..< count {
            var product: Int
            if last >= 0 && rng.chance(0.3), let companion = catalogue.companion(of: last, &rng) {
                product = companion
            } else if favourite >= 0 && rng.chance(0.15) {
                product = favourite
            } else {
                product = catalogue.sample(category: pickCategory(&rng), &rng)
            }
            if !viewed.contains(product) { viewed.append(product) }
            last = product
        }
        var at = item.time + Int64(rng.below(600))
        for product in viewed {
            try writeEvent(user: user, time: at, type: SampleSimulation.viewType, product: product, value: .none, session: session, device: device)
            at += Int64(20 + rng.below(240))
        }
        if rng.chance(0.25) {
            try writeEvent(user: user, time: at, type: SampleSimulation.cartType, product: viewed[rng.below(viewed.count)], value: .none, session: session, device: device)
        }
    }
}

/// Sorted uniforms on [0, 1), generated in ascending order one at a time without storing them
/// (descending order statistics of uniforms, W(k) = W(k+1) * V^(1/k), mirrored).
struct SampleSortedUniforms {
    private var remaining: Int
    private var current = 1.0
    private var rng: SampleRandom

    init(count: Int, seed: UInt64) {
        remaining = max(0, count)
        rng = SampleRandom(seed: seed)
    }

    mutating func next() -> Double? {
        guard remaining > 0 else { return nil }
        current *= SampleMath.exp(SampleMath.log(rng.uniformOpen()) / Double(remaining))
        remaining -= 1
        return min(max(1 - current, 0), 0.999_999_999_999)
    }
}

private extension Int64 {
    @inline(__always)
    func floorMod(_ divisor: Int64) -> Int64 { self - SampleCalendar.floorDivide(self, divisor) * divisor }
}
