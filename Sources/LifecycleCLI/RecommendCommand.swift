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

    @Option(name: .customLong("as-of"), help: "Use the customer's purchases before this date (YYYY-MM-DD, UTC); default: the day after the last order.")
    var asOf: DateArgument?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() throws {
        let warehouse = try database.openForReading()
        let snapshot = try warehouse.snapshot(model)
        guard snapshot.kind == "item_similarity" else {
            throw ValidationError("\(snapshot.reference) is a \(snapshot.kind) model; --model needs an item_similarity model (lifecycle train recommendations)")
        }
        guard let instant = try asOf?.instant ?? warehouse.dayAfterLastOrder() else {
            throw ValidationError("the warehouse has no orders: import some first")
        }
        let customer: String
        do { customer = try warehouse.storedCustomerID(user, key: key.key()) } catch let error as PrivacyError { throw ValidationError(error.description) }
        let answer = try warehouse.recommend(customer: customer, snapshot: snapshot, asOf: instant, count: count)
        if answer.isPopularityFallback {
            printError("user \(user) bought nothing before \(CalendarDate.day(instant)), so item-to-item has nothing to go on: showing the \(answer.items.count) products most customers bought instead (popularity fallback; score = buyers)")
        } else {
            printError("user \(user): \(answer.purchasedProducts) product\(answer.purchasedProducts == 1 ? "" : "s") bought before \(CalendarDate.day(instant)); \(snapshot.reference), score = sum of cosine similarities")
        }
        print(Self.table(answer).rendered(as: output.resolved), terminator: "")
    }

    static func table(_ answer: UserRecommendationAnswer) -> Table {
        Table(columns: ["rank", "stock_code", "description", "score", "because_you_bought"],
              rows: answer.items.map { item in
                  [String(item.rank), item.product.stockCode, item.product.description,
                   String(format: answer.isPopularityFallback ? "%.0f" : "%.4f", item.score),
                   item.because.map { "\($0.product.stockCode) \($0.product.description) (\(String(format: "%.2f", $0.similarity)))" }.joined(separator: "; ")]
              },
              notes: answer.items.isEmpty ? ["no recommendations: none of the customer's products was bought with anything else"] : [],
              numericColumns: [0, 3])
    }
}
