import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle recommend USER`: one customer's top products from a stored item-to-item model.
struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "A customer's top products they have not bought yet, and which of their purchases led to each.")

    @Argument(help: "Customer id as stored (users.external_id): the source's id, or in a pseudonymised warehouse the pseudonym, or the source's id with --key-file.")
    var user: String

    @OptionGroup var key: KeyFileOption

    @Option(help: "How many products.")
    var count = 10

    @Option(help: "Model reference: recommendations, recommendations@3 or recommendations@production (a bare name means production, else the latest).")
    var model = Warehouse.recommendationModelName

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Use the customer's purchases before this date (\(DateOption.help)); default: the day after the last order.", valueName: "date"))
    var asOf: DateArgument?

    @OptionGroup(title: "Window (only the orders from --since count, as in rfm; the customer is named, so there is no --country)")
    var window: WindowArguments

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be at least 1") }
        if window.until != nil { throw ValidationError("--until: recommend ends at --as-of; use --as-of DATE") }
    }

    func run() throws {
        if let url = database.postgresURL {
            if key.keyFile != nil { throw ValidationError("--key-file: pseudonymised warehouses are not supported on PostgreSQL yet") }
            let warehouse = try database.openPostgresForReading(url: url)
            return try database.onServer(url) { try recommend(on: warehouse, snapshot: try warehouse.snapshot(model, at: nil), customer: user) }
        }
        let warehouse = try database.openForReading()
        let customer: String
        do { customer = try warehouse.storedCustomerID(user, key: key.key()) } catch let error as PrivacyError { throw ValidationError(error.description) }
        try recommend(on: warehouse, snapshot: try warehouse.snapshot(model), customer: customer)
    }

    /// Prints `customer`'s recommendations from `snapshot` on either engine (`customer`: the id
    /// as stored).
    private func recommend(on warehouse: some RecommendationEngine, snapshot: ModelSnapshot, customer: String) throws {
        guard snapshot.kind == "item_similarity" else {
            throw ValidationError("\(snapshot.reference) is a \(snapshot.kind) model; --model needs an item_similarity model (lifecycle train recommendations)")
        }
        guard let instant = try asOf?.instant(warehouse) ?? warehouse.dayAfterLastOrder(currency: nil) else {
            throw ValidationError("the warehouse has no orders: import some first")
        }
        let zone = try warehouse.reportingTimeZone()
        let since = try window.since(in: zone)
        let answer = try warehouse.recommend(customer: customer, snapshot: snapshot, asOf: instant, count: count, since: since)
        let from = since.map { " from " + LocalText.instant($0, in: zone) } ?? ""
        if answer.isPopularityFallback {
            printError("user \(user) bought nothing\(from) before \(CalendarDate.day(instant)), so item-to-item has nothing to go on: showing the \(answer.items.count) products most customers bought instead (popularity fallback; score = buyers)")
        } else {
            printError("user \(user): \(answer.purchasedProducts) product\(answer.purchasedProducts == 1 ? "" : "s") bought\(from) before \(CalendarDate.day(instant)); \(snapshot.reference), score = sum of cosine similarities")
        }
        let parameters = [JSONMember("user", .string(user)), JSONMember("model", .string(snapshot.reference)),
                          JSONMember("count", .integer(Int64(count))), JSONMember("popularity_fallback", .bool(answer.isPopularityFallback)),
                          JSONMember("since", cell: .instantOrNull(since))]
        emit(Answer(question: "recommend", parameters: parameters, asOf: instant, table: Self.table(answer)), as: output.resolved)
    }

    static func table(_ answer: UserRecommendationAnswer) -> Table {
        Table(columns: ["rank", "stock_code", "description", "score", "because_you_bought"],
              rows: answer.items.map { item in
                  [.count(item.rank), .text(item.product.stockCode), .text(item.product.description),
                   .real(item.score, decimals: answer.isPopularityFallback ? 0 : 4),
                   .text(item.because.map { "\($0.product.stockCode) \($0.product.description) (\(String(format: "%.2f", $0.similarity)))" }.joined(separator: "; "))]
              },
              notes: answer.items.isEmpty ? ["no recommendations: none of the customer's products was bought with anything else"] : [])
    }
}
