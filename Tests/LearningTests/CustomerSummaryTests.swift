import Testing
@testable import Learning

@Suite("Customer summaries")
struct CustomerSummaryTests {
    // Customer 7: days 0 (10 + 5), 0 again, 14 (20), 14 (2), 28 (30), 40 (after the end).
    // Customer 3: one purchase on day 7. Customer 9: first purchase after the end.
    let purchases = [
        Purchase(customer: 7, day: 0, value: 10), Purchase(customer: 7, day: 0, value: 5),
        Purchase(customer: 7, day: 14, value: 20), Purchase(customer: 7, day: 14, value: 2),
        Purchase(customer: 7, day: 28, value: 30), Purchase(customer: 7, day: 40, value: 99),
        Purchase(customer: 3, day: 7, value: 8), Purchase(customer: 9, day: 36, value: 1),
    ]

    @Test("weeks: same-day purchases collapse, only repeat days count, the end is inclusive")
    func weekly() {
        let summaries = CustomerSummary.summaries(of: purchases, observationEnd: 35, period: .week)
        #expect(summaries.map(\.customer) == [3, 7])
        // Customer 3: no repeats; age (35 − 7)/7 = 4.
        #expect(summaries[0] == CustomerSummary(customer: 3, firstPurchaseDay: 7, frequency: 0, recency: 0, age: 4,
                                                monetaryValue: 0))
        // Customer 7: repeat days 14 (22) and 28 (30): x = 2, recency 28/7 = 4, age 35/7 = 5,
        // monetary (22 + 30)/2 = 26; the first day's 15 and day 40 are not counted.
        #expect(summaries[1] == CustomerSummary(customer: 7, firstPurchaseDay: 0, frequency: 2, recency: 4, age: 5,
                                                monetaryValue: 26))
    }

    @Test("days: the same summary in day units")
    func daily() {
        let summaries = CustomerSummary.summaries(of: purchases, observationEnd: 36, period: .day)
        #expect(summaries.map(\.customer) == [3, 7, 9])
        #expect(summaries[1].recency == 28 && summaries[1].age == 36)
        #expect(summaries[2].age == 0 && summaries[2].frequency == 0)
    }

    @Test("the summary does not depend on the order of the purchases, and one customer's equals theirs in the whole")
    func orderIndependent() {
        // Values whose float sum depends on the order they are added in.
        let sameDay = [0.1, 0.2, 0.3, 1e16, -1e16].map { Purchase(customer: 5, day: 3, value: $0) }
            + [Purchase(customer: 5, day: 0, value: 1)]
        let forward = CustomerSummary.summaries(of: sameDay, observationEnd: 10, period: .day)
        let backward = CustomerSummary.summaries(of: sameDay.reversed(), observationEnd: 10, period: .day)
        #expect(forward == backward)
        #expect(forward.first?.monetaryValue.bitPattern == backward.first?.monetaryValue.bitPattern)
        let seven = purchases.filter { $0.customer == 7 }
        #expect(CustomerSummary.summary(of: seven.reversed(), observationEnd: 35, period: .week)
                == CustomerSummary.summaries(of: purchases, observationEnd: 35, period: .week).last)
        #expect(CustomerSummary.summary(of: [Purchase(customer: 9, day: 36, value: 1)], observationEnd: 35, period: .week) == nil)
    }
}
