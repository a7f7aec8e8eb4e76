import Foundation

/// The generator's clock: civil-date arithmetic, the shop's local time zone (its UTC offset
/// precomputed once per day, so the hot loop never calls Foundation's date formatting), and the
/// seasonal intensity of trade over the period.
///
/// Times inside the generator are wall-clock seconds: seconds since 1970-01-01 00:00 on the
/// shop's clock. `utc(fromWallClock:)` turns them into Unix seconds with the day's offset (taken
/// at noon). Every generated wall-clock time lies between 06:00 and 23:00 (orders between 07:00
/// and 20:59), far from the 01:00-02:00 hour in which Europe/London changes its clocks, so no
/// generated time falls into the spring gap or the repeated autumn hour.
///
/// "Effective time" is time measured in units of trade: a day's length in effective time is its
/// weight (season, weekday, holidays), normalised so that the whole period lasts as many
/// effective days as calendar days. A Poisson process of constant rate in effective time is a
/// seasonal process on the calendar; mapping back is a binary search over the cumulative weights.
struct SampleCalendar {
    /// Wall-clock day number (days since 1970-01-01) of the period's first day.
    let firstDay: Int
    /// Number of days in the period.
    let dayCount: Int
    /// The period in effective days (equal to `dayCount` unless no day is open).
    let effectiveLength: Double
    /// Wall-clock day number of the first day with a known UTC offset.
    private let tableFirstDay: Int
    /// Seconds east of UTC at noon of each day from `tableFirstDay`.
    private let offsets: [Int32]
    /// Month (1-12) of each period day.
    private let months: [UInt8]
    /// Trade weight of each period day, and their running sum (count + 1 entries, from 0).
    private let orderWeights: [Double]
    private let orderCumulative: [Double]
    /// Weight of sign-ups per period day (trade weight times a growth trend), and running sum.
    private let arrivalWeights: [Double]
    private let arrivalCumulative: [Double]
    /// Running share of orders by hour of the day (25 entries, from 0 to 1).
    private let hourCumulative: [Double]

    /// Relative trade by month, January first: a quiet spring, then the autumn build-up to the
    /// November peak (the shape of the Online Retail dump's monthly line counts).
    static let monthFactors: [Double] = [0.85, 0.75, 0.9, 0.8, 0.9, 0.9, 0.95, 0.9, 1.2, 1.4, 1.9, 1.6]
    /// Relative trade by weekday, Monday first. Closed on Saturdays, like the shop in the dump.
    static let weekdayFactors: [Double] = [1.0, 1.05, 1.0, 1.15, 0.85, 0.0, 0.7]
    /// Orders by hour of the day, from 07:00 to 20:59 (the dump's hourly profile).
    static let hourWeights: [(hour: Int, weight: Double)] = [
        (7, 0.4), (8, 9), (9, 34), (10, 49), (11, 58), (12, 79), (13, 72), (14, 67), (15, 78),
        (16, 55), (17, 29), (18, 8), (19, 4), (20, 1),
    ]
    /// Growth of sign-ups across the period: the last day gets 1 + growth times the first's rate.
    static let arrivalGrowth = 0.25

    /// - Parameters:
    ///   - start: an instant on the period's first day (the day is taken on the shop's clock).
    ///   - months: length of the period in calendar months.
    ///   - historyDays: days before the period whose offsets are needed (earlier sign-ups).
    init(start: Date, months: Int, timeZone: TimeZone, historyDays: Int) {
        let startSeconds = Int64(start.timeIntervalSince1970.rounded(.down))
        let startOffset = Int64(timeZone.secondsFromGMT(for: start))
        firstDay = Int(SampleCalendar.floorDivide(startSeconds + startOffset, 86_400))
        let (year, month, day) = SampleCalendar.civil(fromDays: firstDay)
        let monthIndex = (year * 12 + month - 1) + months
        let endYear = monthIndex.floorDiv(12)
        let endMonth = monthIndex - endYear * 12 + 1
        let endMonthStart = SampleCalendar.days(fromCivil: endYear, endMonth, 1)
        let endMonthLength = SampleCalendar.days(
            fromCivil: endMonth == 12 ? endYear + 1 : endYear, endMonth == 12 ? 1 : endMonth + 1, 1
        ) - endMonthStart
        let endDay = endMonthStart + min(day, endMonthLength) - 1
        dayCount = max(1, endDay - firstDay)

        tableFirstDay = firstDay - historyDays - 2
        let tableCount = dayCount + historyDays + 64
        var offsets = [Int32]()
        offsets.reserveCapacity(tableCount)
        for index in 0 ..< tableCount {
            let noon = Double((tableFirstDay + index) * 86_400 + 43_200)
            let guess = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: noon))
            let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: noon - Double(guess)))
            offsets.append(Int32(offset))
        }
        self.offsets = offsets

        var months = [UInt8]()
        var weights = [Double]()
        months.reserveCapacity(dayCount)
        weights.reserveCapacity(dayCount)
        for index in 0 ..< dayCount {
            let dayNumber = firstDay + index
            let (_, m, d) = SampleCalendar.civil(fromDays: dayNumber)
            months.append(UInt8(m))
            let weekday = (dayNumber + 3).floorMod(7)  // 1970-01-01 was a Thursday; 0 = Monday
            let closedForChristmas = (m == 12 && d >= 24) || (m == 1 && d <= 3)
            weights.append(
                closedForChristmas ? 0 : SampleCalendar.monthFactors[m - 1] * SampleCalendar.weekdayFactors[weekday]
            )
        }
        if weights.allSatisfy({ $0 == 0 }) { weights = Array(repeating: 1, count: dayCount) }
        let total = weights.reduce(0, +)
        let scale = Double(dayCount) / total
        weights = weights.map { $0 * scale }
        self.months = months
        self.orderWeights = weights
        self.orderCumulative = SampleCalendar.runningSum(weights)
        self.effectiveLength = orderCumulative[dayCount]

        let days = Double(dayCount)
        let arrivals = weights.enumerated().map { index, weight in
            weight * (1 + SampleCalendar.arrivalGrowth * Double(index) / days)
        }
        self.arrivalWeights = arrivals
        self.arrivalCumulative = SampleCalendar.runningSum(arrivals)

        let hourTotal = SampleCalendar.hourWeights.reduce(0) { $0 + $1.weight }
        var hours = [Double](repeating: 0, count: 25)
        var running = 0.0
        for hour in 0 ..< 24 {
            hours[hour] = running / hourTotal
            running += SampleCalendar.hourWeights.first(where: { $0.hour == hour })?.weight ?? 0
        }
        hours[24] = 1
        self.hourCumulative = hours
    }

    private static func runningSum(_ values: [Double]) -> [Double] {
        var sums = [0.0]
        sums.reserveCapacity(values.count + 1)
        var running = 0.0
        for value in values {
            running += value
            sums.append(running)
        }
        return sums
    }

    // MARK: Clock

    /// Wall-clock seconds at 00:00 of the period's first day.
    var periodStart: Int64 { Int64(firstDay) * 86_400 }

    /// Unix seconds of a wall-clock time.
    @inline(__always)
    func utc(fromWallClock seconds: Int64) -> Int64 {
        let day = Int(SampleCalendar.floorDivide(seconds, 86_400))
        let index = min(max(day - tableFirstDay, 0), offsets.count - 1)
        return seconds - Int64(offsets[index])
    }

    /// The month (1-12) of a wall-clock time inside the period (clamped to the period).
    @inline(__always)
    func month(ofWallClock seconds: Int64) -> Int {
        let day = Int(SampleCalendar.floorDivide(seconds, 86_400)) - firstDay
        return Int(months[min(max(day, 0), dayCount - 1)])
    }

    /// The wall-clock time of an effective time: its day, then the hour and minute at the same
    /// share of that day's trade, so later effective times never map to earlier clock times.
    @inline(__always)
    func wallClock(effective: Double) -> Int64 {
        let (day, fraction) = locate(effective, orderCumulative, orderWeights)
        return wallClock(day: day, fraction: fraction)
    }

    /// A sign-up at `share` (0..<1) of the period's sign-up mass: its wall-clock time and the
    /// effective (trade) time at that moment.
    func arrival(share: Double) -> (wallClock: Int64, effective: Double) {
        let mass = share * arrivalCumulative[dayCount]
        let (day, fraction) = locate(mass, arrivalCumulative, arrivalWeights)
        return (wallClock(day: day, fraction: fraction), orderCumulative[day] + fraction * orderWeights[day])
    }

    @inline(__always)
    private func locate(_ value: Double, _ cumulative: [Double], _ weights: [Double]) -> (day: Int, fraction: Double) {
        let day = min(max(SampleMath.upperBound(cumulative, value) - 1, 0), dayCount - 1)
        let weight = weights[day]
        guard weight > 0 else { return (day, 0) }
        return (day, min(max((value - cumulative[day]) / weight, 0), 0.999_999_999))
    }

    @inline(__always)
    private func wallClock(day: Int, fraction: Double) -> Int64 {
        let hour = min(max(SampleMath.upperBound(hourCumulative, fraction) - 1, 0), 23)
        let width = hourCumulative[hour + 1] - hourCumulative[hour]
        let within = width > 0 ? (fraction - hourCumulative[hour]) / width : 0
        let minute = min(59, max(0, Int(within * 60)))
        return Int64(firstDay + day) * 86_400 + Int64(hour * 3_600 + minute * 60)
    }

    // MARK: Civil dates (H. Hinnant's algorithms, proleptic Gregorian)

    /// Days since 1970-01-01 of a civil date.
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDiv(400)
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day number (days since 1970-01-01).
    @inline(__always)
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let (year, month, day) = UTCText.civil(day: Int64(days))
        return (Int(year), Int(month), Int(day))
    }

    /// Division rounding towards minus infinity.
    @inline(__always)
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

private extension Int {
    @inline(__always)
    func floorDiv(_ divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    @inline(__always)
    func floorMod(_ divisor: Int) -> Int { self - floorDiv(divisor) * divisor }
}
