import Foundation

/// Writes a realistic, deterministic e-commerce dump: `orders.csv` in the UCI Online Retail
/// layout, `users.csv` and `events.csv` — the engine of `lifecycle generate`.
///
/// The shop it imitates is a UK gift-ware retailer. Customers sign up over the period (monthly
/// cohorts, a November peak, a closed Christmas week, no trade on Saturdays); each buys at her own
/// Gamma-distributed rate and, after every purchase, drops out with her own Beta-distributed
/// probability (the BG/NBD story), so repeat purchase and churn are there to be found. Product
/// popularity is long-tailed, customers favour a few categories and reorder favourites, and
/// products sell together with their colour variants and design collections, so item-to-item
/// co-purchase carries signal. About 2% of orders are returns of earlier purchases, 10-20% are
/// guest orders without a customer, and reviews are mostly 4-5 stars. docs/GENERATOR.md
/// describes the model and the exact file layouts.
///
/// The same configuration always writes byte-identical files: the generator uses its own seeded
/// random streams and its own arithmetic for logarithms, and formats dates by hand. Memory does
/// not depend on the size of the output: rows stream through 1 MiB buffers, and the generator
/// keeps one small record per customer who has not dropped out (about 40 bytes).
public struct SampleGenerator: Sendable {
    /// What to generate.
    public struct Configuration: Sendable, Equatable {
        /// Registered customers to create (rows of `users.csv`). Customer ids are 10000 + n, so
        /// up to 90,000 customers get five-digit ids; more customers get longer ids.
        public var users: Int
        /// Seed of every random choice: the same configuration writes the same bytes.
        public var seed: UInt64
        /// An instant on the first day of the period (the day is taken in `timeZone`).
        /// Default: 2010-12-01 00:00 Europe/London, the first day of the Online Retail dump.
        public var startDate: Date
        /// Length of the period in calendar months (1-120). Default 13.
        public var months: Int
        /// Number of goods in the catalogue (10-40,000); `nil` chooses `defaultProductCount(users:)`.
        public var products: Int?
        /// Share of orders placed by guests, without a customer id (0-0.9). Default 0.15.
        public var guestShare: Double
        /// Share of orders that are returns (`C` invoices) of earlier purchases (0-0.3, and
        /// `guestShare + 2 * returnRate` at most 1). Default 0.02.
        public var returnRate: Double
        /// Share of customers who signed up before the period began (0-1), so that the first
        /// month looks like the middle of a shop's life rather than its opening. Default 0.3.
        public var existingCustomerShare: Double
        /// Whether to write events; when `false`, `events.csv` holds only its header. Turning
        /// events off does not change `orders.csv` or `users.csv`.
        public var includeEvents: Bool
        /// The shop's time zone: `InvoiceDate` is wall-clock time there. Default Europe/London.
        public var timeZone: TimeZone

        /// A configuration with every default: 13 months from 2010-12-01 in Europe/London.
        public init(users: Int, seed: UInt64) {
            self.users = users
            self.seed = seed
            self.startDate = Date(timeIntervalSince1970: 1_291_161_600)  // 2010-12-01T00:00:00Z
            self.months = 13
            self.products = nil
            self.guestShare = 0.15
            self.returnRate = 0.02
            self.existingCustomerShare = 0.3
            self.includeEvents = true
            self.timeZone = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0) ?? .current
        }

        /// The default catalogue size for a number of customers: one product per customer,
        /// at least 500 and at most 20,000 (4,000 at 4,000 customers, like the real dump).
        public static func defaultProductCount(users: Int) -> Int {
            min(20_000, max(500, users))
        }

        /// The catalogue size used: `products`, or the default for `users`.
        public var productCount: Int { products ?? Self.defaultProductCount(users: users) }

        /// Throws `SampleGeneratorError.invalidConfiguration` naming the first value out of range.
        public func validate() throws {
            func fail(_ message: String) -> SampleGeneratorError { .invalidConfiguration(message) }
            guard users >= 0 else { throw fail("users must be 0 or more, not \(users)") }
            guard users <= 100_000_000 else { throw fail("users must be at most 100,000,000, not \(users)") }
            guard (1 ... 120).contains(months) else { throw fail("months must be 1-120, not \(months)") }
            guard (10 ... 40_000).contains(productCount) else {
                throw fail("products must be 10-40,000, not \(productCount)")
            }
            guard guestShare >= 0 && guestShare <= 0.9 else {
                throw fail("guest share must be between 0 and 0.9, not \(guestShare)")
            }
            guard returnRate >= 0 && returnRate <= 0.3 else {
                throw fail("return rate must be between 0 and 0.3, not \(returnRate)")
            }
            // Each return undoes part of one earlier customer purchase, so returns cannot
            // outnumber customer purchases: returnRate <= 1 - guestShare - returnRate.
            guard guestShare + 2 * returnRate <= 1 + 1e-9 else {
                throw fail("guest share plus twice the return rate must be at most 1 (returns need earlier customer purchases)")
            }
            guard existingCustomerShare >= 0 && existingCustomerShare <= 1 else {
                throw fail("existing customer share must be between 0 and 1, not \(existingCustomerShare)")
            }
            let start = startDate.timeIntervalSince1970
            guard start.isFinite && start >= -2_208_988_800 && start <= 7_258_118_400 else {
                throw fail("start date must lie between 1900 and 2199")
            }
        }
    }

    /// Name of the order-lines file written into the output directory.
    public static let ordersFileName = "orders.csv"
    /// Name of the customers file written into the output directory.
    public static let usersFileName = "users.csv"
    /// Name of the event-log file written into the output directory.
    public static let eventsFileName = "events.csv"

    /// What this generator writes.
    public let configuration: Configuration

    /// A generator for `configuration` (checked when writing).
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Writes orders.csv, users.csv, events.csv into `directory` (created if missing) and returns what it wrote.
    ///
    /// Existing files of those names are replaced. Throws `SampleGeneratorError` when the
    /// configuration is out of range or a file cannot be written.
    public func write(to directory: URL) throws -> GeneratedSample {
        try configuration.validate()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SampleGeneratorError.cannotWrite(directory, reason: "cannot create the directory: \(error)")
        }
        let ordersURL = directory.appending(path: Self.ordersFileName)
        let usersURL = directory.appending(path: Self.usersFileName)
        let eventsURL = directory.appending(path: Self.eventsFileName)
        let simulation = try SampleSimulation(
            configuration: configuration, orders: ordersURL, users: usersURL, events: eventsURL
        )
        let counts = try simulation.run()
        return GeneratedSample(
            ordersFile: ordersURL, usersFile: usersURL, eventsFile: eventsURL,
            users: counts.users, orders: counts.orders, orderLines: counts.orderLines,
            returnOrders: counts.returnOrders, guestOrders: counts.guestOrders,
            events: counts.events, products: counts.products
        )
    }
}

/// What `SampleGenerator.write(to:)` wrote. Counts are of data rows (headers excluded).
public struct GeneratedSample: Sendable, Equatable {
    /// The order lines, UCI Online Retail layout.
    public let ordersFile: URL
    /// The customers.
    public let usersFile: URL
    /// The event log (only a header when events were turned off).
    public let eventsFile: URL
    /// Rows of users.csv: every customer, including those who never ordered in the period.
    public let users: Int
    /// Distinct invoices in orders.csv: purchases, guest purchases and returns.
    public let orders: Int
    /// Rows of orders.csv.
    public let orderLines: Int
    /// Return invoices (`C` + digits, negative quantities).
    public let returnOrders: Int
    /// Invoices with an empty CustomerID.
    public let guestOrders: Int
    /// Rows of events.csv.
    public let events: Int
    /// Distinct stock codes in orders.csv and events.csv, non-product codes (POST, DOT, M,
    /// BANK CHARGES, PADS) included: the `products` rows an import of both files creates.
    public let products: Int

    /// Creates a summary (the generator makes these; public for tests and callers that persist them).
    public init(
        ordersFile: URL, usersFile: URL, eventsFile: URL, users: Int, orders: Int, orderLines: Int,
        returnOrders: Int, guestOrders: Int, events: Int, products: Int
    ) {
        self.ordersFile = ordersFile
        self.usersFile = usersFile
        self.eventsFile = eventsFile
        self.users = users
        self.orders = orders
        self.orderLines = orderLines
        self.returnOrders = returnOrders
        self.guestOrders = guestOrders
        self.events = events
        self.products = products
    }
}

/// Why the sample generator could not do its job.
public enum SampleGeneratorError: Error, Equatable, CustomStringConvertible {
    /// A configuration value is out of range; the message names it.
    case invalidConfiguration(String)
    /// A file or directory could not be created or written.
    case cannotWrite(URL, reason: String)

    /// What failed and what to try, for people.
    public var description: String {
        switch self {
        case .invalidConfiguration(let message):
            return "invalid sample configuration: \(message)"
        case .cannotWrite(let url, let reason):
            return "cannot write \(url.path): \(reason); check that the directory exists and is writable"
        }
    }
}
